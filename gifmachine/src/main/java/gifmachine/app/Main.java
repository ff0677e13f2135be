package gifmachine.app;

import gifmachine.app.health.Drain;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;

/**
 * Runs Gifmachine from environment variables (see {@link GifmachineConfig#fromEnvironment}).
 *
 * <pre>{@code
 * GIFMACHINE_PASSWORD=s3cret DATABASE_URL=postgres://gif:pw@db:5432/gifmachine \
 *     java -jar gifmachine-all.jar
 * java -jar gifmachine-all.jar      # local mode: embedded PostgreSQL in ./.gifmachine/
 * }</pre>
 *
 * Exit codes: 0 after a clean shutdown, 2 for a configuration or startup problem.
 */
public final class Main {
  public static final int EXIT_STARTUP_FAILED = 2;

  private Main() {}

  public static void main(String[] args) {
    int code = run(System.getenv(), System.err);
    if (code != 0) {
      System.exit(code);
    }
  }

  static int run(Map<String, String> env, PrintStream err) {
    Gifmachine app;
    Duration drainPeriod;
    try {
      GifmachineConfig config = GifmachineConfig.fromEnvironment(env);
      drainPeriod = Drain.periodFromEnvironment(env, config.localMode());
      app = Gifmachine.start(config);
    } catch (GifmachineStartupException e) {
      err.println("gifmachine: " + e.getMessage());
      err.println("  " + e.hint());
      return EXIT_STARTUP_FAILED;
    }
    if (app.config().passwordGenerated()) {
      err.println(
          "gifmachine: local mode, no GIFMACHINE_PASSWORD set; the API secret for this run is: "
              + app.password());
    }
    err.println("gifmachine: serving " + app.baseUri());
    // SIGTERM (ECS stopping the task) drains; the JVM keeps serving while this hook runs.
    Runtime.getRuntime()
        .addShutdownHook(new Thread(() -> app.drainAndClose(drainPeriod), "gifmachine-shutdown"));
    return 0;
  }
}
