package gifmachine.cli.command;

import gifmachine.cli.aws.Aws;
import gifmachine.cli.aws.AwsConnector;
import gifmachine.cli.aws.AwsSettings;
import gifmachine.cli.deploy.EngineSettings;
import gifmachine.cli.deploy.ImagePublishing;
import gifmachine.cli.deploy.JibImagePublishing;
import gifmachine.cli.deploy.Pacer;
import gifmachine.cli.deploy.SmokeCheck;
import gifmachine.cli.image.BaseImages;
import gifmachine.cli.image.ImageSources;
import gifmachine.cli.smoke.SmokeReport;
import gifmachine.cli.smoke.SmokeTest;
import gifmachine.cli.term.StandardError;
import gifmachine.infra.DeploymentConfig;
import gifmachine.infra.Infrastructure;
import gifmachine.infra.SynthesizedApp;
import java.io.Console;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Everything the commands need from the outside world, passed in so that tests run the same
 * commands against moto, a loopback registry and a local Gifmachine: environment, working
 * directory, how to reach AWS, synthesis, image publishing, the smoke test, time, the terminal.
 */
public record CliContext(
    Map<String, String> environment,
    Path workingDirectory,
    Function<AwsSettings, Aws> connector,
    Function<DeploymentConfig, SynthesizedApp> synthesizer,
    ImagePublishing images,
    SmokeCheck smoke,
    Pacer pacer,
    EngineSettings engine,
    Terminal terminal,
    Interrupts interrupts) {

  /** Reading from the user (hidden input for passwords) and whether stderr is a terminal. */
  public interface Terminal {
    Optional<char[]> readPassword(String prompt);

    Optional<String> readLine(String prompt);

    boolean stderrIsTerminal();
  }

  /** Ctrl-C: runs the action when the process is asked to stop; close to unregister. */
  @FunctionalInterface
  public interface Interrupts {
    AutoCloseable onInterrupt(Runnable action);
  }

  /** The real world: System.getenv, the console, shutdown hooks, the SDK. */
  public static CliContext production() {
    Console console = System.console();
    Terminal terminal =
        new Terminal() {
          @Override
          public Optional<char[]> readPassword(String prompt) {
            return console == null
                ? Optional.empty()
                : Optional.ofNullable(console.readPassword("%s", prompt));
          }

          @Override
          public Optional<String> readLine(String prompt) {
            return console == null
                ? Optional.empty()
                : Optional.ofNullable(console.readLine("%s", prompt));
          }

          @Override
          public boolean stderrIsTerminal() {
            return StandardError.isTerminal();
          }
        };
    Path workingDirectory = Path.of("").toAbsolutePath();
    Path repository = repositoryRoot();
    return new CliContext(
        System.getenv(),
        workingDirectory,
        AwsConnector::connect,
        Infrastructure::synthesize,
        new JibImagePublishing(
            new ImageSources(repository),
            BaseImages.official(),
            repository.resolve(".gifmachine/image-cache"),
            false,
            Pacer.system()),
        CliContext::smokeTest,
        Pacer.system(),
        EngineSettings.defaults(),
        terminal,
        ShutdownHook::register);
  }

  /** The system property the launcher sets to the checkout it runs from. */
  public static final String REPOSITORY_PROPERTY = "gifmachine.repository";

  /**
   * The checkout whose jars, {@code monitoring/} and {@code .gifmachine/} the commands use: the
   * launcher names it ({@value #REPOSITORY_PROPERTY}) and stays in the user's directory, so that
   * paths the user types resolve where the user stands; without the launcher, the working
   * directory.
   */
  public static Path repositoryRoot() {
    return Path.of(System.getProperty(REPOSITORY_PROPERTY, "")).toAbsolutePath().normalize();
  }

  /**
   * The {@code image} engineer's smoke test: health, a posted gif read back and seen on the
   * WebSocket.
   */
  static SmokeCheck.Outcome smokeTest(java.net.URI url, String secret, java.time.Duration timeout) {
    SmokeReport report = SmokeTest.run(url, secret, timeout);
    String detail =
        report.passed()
            ? report.checks().size() + " checks"
            : report.firstFailure().map(c -> c.name() + ": " + c.detail()).orElse("no checks ran");
    return new SmokeCheck.Outcome(report.passed(), detail);
  }
}
