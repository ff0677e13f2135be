package gifmachine.cli.command;

import gifmachine.cli.aws.Aws;
import gifmachine.cli.deploy.Cancellation;
import gifmachine.cli.deploy.ProgressListener;
import gifmachine.cli.deploy.StackDeployer;
import gifmachine.cli.deploy.StackNode;
import gifmachine.cli.term.ProgressRenderer;
import gifmachine.infra.SynthesizedApp;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What every AWS command shares: the context, the common options, output streams, a progress
 * renderer on stderr and an engine. Subclasses implement {@link #run}.
 */
abstract class AwsCommand implements Callable<Integer> {

  protected final CliContext context;

  @Mixin DeployOptions options;

  @Spec CommandSpec spec;

  AwsCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public final Integer call() throws Exception {
    return run(options.resolve(context));
  }

  protected abstract int run(DeployOptions.Resolved resolved) throws Exception;

  protected PrintWriter out() {
    return spec.commandLine().getOut();
  }

  protected PrintWriter err() {
    return spec.commandLine().getErr();
  }

  protected Aws connect(DeployOptions.Resolved resolved) {
    return context.connector().apply(resolved.aws()).forDeployment(resolved.config());
  }

  /** Progress on stderr: redrawn on a terminal, plain lines elsewhere. */
  protected ProgressRenderer renderer() {
    PrintWriter err = err();
    PrintStream stream =
        new PrintStream(
            new java.io.OutputStream() {
              @Override
              public void write(int b) {
                err.write(b);
              }

              @Override
              public void write(byte[] b, int off, int len) {
                err.write(new String(b, off, len, StandardCharsets.UTF_8));
              }

              @Override
              public void flush() {
                err.flush();
              }
            },
            true,
            StandardCharsets.UTF_8);
    return ProgressRenderer.forTerminal(
        stream, context.environment(), context.terminal().stderrIsTerminal());
  }

  /**
   * Ctrl-C while following: says what carries on in AWS and what to do, here while the shutdown
   * hook still holds the exit open; returns the exit code.
   */
  protected int interrupted(
      ProgressRenderer renderer, gifmachine.cli.deploy.DeploymentException e) {
    renderer.close();
    err().println(e.getMessage());
    err().println(e.hint());
    err().flush();
    return e.exit().code();
  }

  protected StackDeployer engine(Aws aws, ProgressListener listener, Cancellation cancellation) {
    return new StackDeployer(
        aws.cloudFormation(), context.pacer(), listener, context.engine(), cancellation);
  }

  protected static List<StackNode> nodes(SynthesizedApp app) {
    return app.stacks().stream().map(StackNode::of).toList();
  }
}
