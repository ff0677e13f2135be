package gifmachine.cli;

import gifmachine.cli.aws.AwsCallException;
import gifmachine.cli.command.CliContext;
import gifmachine.cli.command.VerboseOption;
import gifmachine.cli.config.ConfigException;
import gifmachine.cli.deploy.DeploymentException;
import gifmachine.cli.deploy.Preflight;
import gifmachine.cli.term.CdkOutput;
import gifmachine.infra.InvalidDeploymentConfigException;
import java.io.PrintWriter;
import java.lang.reflect.Constructor;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code gifmachine-on-aws}: runs the whole Gifmachine system on this machine ({@code local}) or
 * deploys it to AWS and takes it down again.
 *
 * <pre>{@code
 * gifmachine-on-aws local
 * gifmachine-on-aws up --environment prod --company dundermiff --region eu-west-1
 * }</pre>
 *
 * <p>Exit codes: 0 success, 1 a stack, rollout or teardown failed, 2 bad input or configuration, 3
 * AWS not usable (credentials, endpoint, permissions), 4 a name clash with resources that are not
 * ours, 5 deployed but the smoke test failed, 130 interrupted (Ctrl-C).
 */
@Command(
    name = "gifmachine-on-aws",
    mixinStandardHelpOptions = true,
    version = "gifmachine-on-aws 0.1.0",
    description =
        "Gifmachine with monitoring and a blue/green pipeline, on AWS or on this machine.",
    subcommands = {
      // Each command registers itself here.
      gifmachine.cli.command.LocalCommand.class,
      gifmachine.cli.command.ImagesCommand.class,
      gifmachine.cli.command.UpCommand.class,
      gifmachine.cli.command.ReleaseCommand.class,
      gifmachine.cli.command.PlanCommand.class,
      gifmachine.cli.command.StatusCommand.class,
      gifmachine.cli.command.LogsCommand.class,
      gifmachine.cli.command.DownCommand.class,
      gifmachine.cli.command.RollbackCommand.class,
      gifmachine.cli.command.CostCommand.class,
      gifmachine.cli.command.SynthCommand.class,
      gifmachine.cli.command.IamPolicyCommand.class,
    })
public final class Main {

  public static void main(String[] args) {
    // Before any command runs: the CDK's node process starts on the first synthesis.
    CdkOutput.Streams streams =
        CdkOutput.route(System.out, System.err, List.of(args).contains("--verbose"));
    System.setOut(streams.out());
    System.setErr(streams.err());
    System.exit(commandLine().execute(args));
  }

  /** The command line as production runs it; tests call this and set out/err. */
  public static CommandLine commandLine() {
    return commandLine(CliContext.production());
  }

  /** The command line with its outside world given: what tests run against moto. */
  public static CommandLine commandLine(CliContext context) {
    CommandLine commandLine = new CommandLine(new Main(), new Factory(context));
    commandLine.setExecutionExceptionHandler(Main::handle);
    commandLine.setParameterExceptionHandler(
        (e, args) -> {
          PrintWriter err = e.getCommandLine().getErr();
          err.println(e.getCommandLine().getCommandName() + ": " + e.getMessage());
          err.println("See: " + e.getCommandLine().getCommandSpec().qualifiedName() + " --help");
          err.flush();
          return DeploymentException.Exit.CONFIG.code();
        });
    return commandLine;
  }

  /** {@code what happened: why}, then what to do; the stack trace only with {@code --verbose}. */
  private static int handle(
      Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
    PrintWriter err = commandLine.getErr();
    DeploymentException failure =
        switch (e) {
          case DeploymentException d -> d;
          case ConfigException c ->
              new DeploymentException(
                  DeploymentException.Exit.CONFIG,
                  c.getMessage(),
                  c.hint().isBlank()
                      ? "See: " + commandLine.getCommandSpec().qualifiedName() + " --help"
                      : c.hint(),
                  c);
          case InvalidDeploymentConfigException c ->
              new DeploymentException(
                  DeploymentException.Exit.CONFIG,
                  c.getMessage(),
                  "See: " + commandLine.getCommandSpec().qualifiedName() + " --help",
                  c);
          case AwsCallException a -> Preflight.explain(a.operation(), a);
          default ->
              new DeploymentException(
                  DeploymentException.Exit.FAILED,
                  commandLine.getCommandName()
                      + ": "
                      + e.getClass().getSimpleName()
                      + ": "
                      + e.getMessage(),
                  "run again with --verbose for the stack trace",
                  e);
        };
    err.println(failure.getMessage());
    if (!failure.hint().isBlank()) {
      err.println(failure.hint());
    }
    if (VerboseOption.requested(commandLine)) {
      e.printStackTrace(err);
    }
    err.flush();
    return failure.exit().code();
  }

  /**
   * Gives commands with a {@code (CliContext)} constructor the context; others are made as usual.
   */
  private record Factory(CliContext context) implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> type) throws Exception {
      try {
        Constructor<K> constructor = type.getDeclaredConstructor(CliContext.class);
        return constructor.newInstance(context);
      } catch (NoSuchMethodException e) {
        return CommandLine.defaultFactory().create(type);
      }
    }
  }
}
