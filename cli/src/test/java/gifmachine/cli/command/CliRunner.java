package gifmachine.cli.command;

import gifmachine.cli.Main;
import gifmachine.cli.aws.AwsConnector;
import gifmachine.cli.deploy.EngineSettings;
import gifmachine.cli.deploy.ImagePublishing;
import gifmachine.cli.deploy.Pacer;
import gifmachine.cli.deploy.SmokeCheck;
import gifmachine.infra.Infrastructure;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import picocli.CommandLine;

/**
 * Runs the real command line ({@link Main#commandLine(CliContext)}) with captured output, a given
 * environment and working directory, scripted terminal answers, and the seams (images, smoke test)
 * a test chooses.
 */
final class CliRunner {

  record Result(int exitCode, String out, String err) {
    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- out\n" + out + "--- err\n" + err;
    }
  }

  final Map<String, String> environment = new HashMap<>();
  final Deque<String> answers = new ArrayDeque<>();
  Path workingDirectory;
  ImagePublishing images =
      (repositories, login, arm64, progress) -> {
        throw new AssertionError("this test does not publish images");
      };
  java.util.function.Function<gifmachine.infra.DeploymentConfig, gifmachine.infra.SynthesizedApp>
      synthesizer = Infrastructure::synthesize;
  SmokeCheck smoke =
      (url, secret, timeout) -> {
        throw new AssertionError("this test does not run the smoke test");
      };
  Pacer pacer = Pacer.system();
  java.util.function.Function<gifmachine.cli.aws.AwsSettings, gifmachine.cli.aws.Aws> connector =
      AwsConnector::connect;
  CliContext.Interrupts interrupts = action -> () -> {};

  CliRunner(Path workingDirectory) {
    this.workingDirectory = workingDirectory;
    // Tests never read the developer's AWS configuration.
    environment.put("AWS_CONFIG_FILE", workingDirectory.resolve("no-aws-config").toString());
  }

  CliContext context() {
    CliContext.Terminal terminal =
        new CliContext.Terminal() {
          @Override
          public Optional<char[]> readPassword(String prompt) {
            return Optional.ofNullable(answers.poll()).map(String::toCharArray);
          }

          @Override
          public Optional<String> readLine(String prompt) {
            return Optional.ofNullable(answers.poll());
          }

          @Override
          public boolean stderrIsTerminal() {
            return false;
          }
        };
    return new CliContext(
        Map.copyOf(environment),
        workingDirectory,
        connector,
        synthesizer,
        images,
        smoke,
        pacer,
        new EngineSettings(
            Duration.ofMillis(50), Duration.ofMillis(500), Duration.ofMinutes(5), new Random()),
        terminal,
        interrupts);
  }

  Result run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = Main.commandLine(context());
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    int exit = commandLine.execute(args);
    return new Result(exit, out.toString(), err.toString());
  }

  Result run(List<String> args) {
    return run(args.toArray(String[]::new));
  }
}
