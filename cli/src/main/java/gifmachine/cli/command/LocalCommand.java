package gifmachine.cli.command;

import gifmachine.app.GifmachineConfig;
import gifmachine.cli.local.LocalOptions;
import gifmachine.cli.local.LocalSystem;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code gifmachine-on-aws local}: the whole system on this machine, no AWS account needed. Prints
 * every URL and the generated API secret, then runs until Ctrl-C, which stops everything.
 *
 * <pre>{@code
 * gifmachine-on-aws local --port 4567 --data-dir ./.gifmachine
 * }</pre>
 *
 * <p>Exit codes: 0 stopped (Ctrl-C or SIGTERM, also during startup), 1 a component failed to start,
 * 2 bad options.
 */
@Command(
    name = "local",
    mixinStandardHelpOptions = true,
    description = {
      "Run Gifmachine, cDepot, a cSidecar and (when installed) Prometheus and Grafana on this machine.",
      "Ctrl-C stops everything."
    },
    exitCodeListHeading = "Exit codes:%n",
    exitCodeList = {"0:stopped", "1:a component failed to start", "2:bad options"})
public final class LocalCommand implements Callable<Integer> {

  static final int STOPPED = 0;
  static final int BAD_OPTIONS = 2;
  static final int FAILED = 1;

  @Spec CommandSpec spec;

  @Option(
      names = "--port",
      defaultValue = "" + GifmachineConfig.DEFAULT_PORT,
      description =
          "Gifmachine's port (default ${DEFAULT-VALUE}); 0 puts every component on a free port.")
  int port;

  // Defaults live in the checkout the launcher names (so data survives wherever local is
  // started from); a path the user types resolves from the user's directory.
  @Option(
      names = "--data-dir",
      defaultValue = "${sys:gifmachine.repository:-.}/.gifmachine",
      description =
          "Where PostgreSQL, cDepot and Prometheus keep their data (default ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--no-prometheus", description = "Do not start Prometheus (nor Grafana).")
  boolean noPrometheus;

  @Option(
      names = "--prometheus-port",
      paramLabel = "PORT",
      description =
          "Prometheus's port (default: its usual one, as in AWS; a free one with --port 0).")
  Integer prometheusPort;

  @Option(
      names = "--monitoring-dir",
      defaultValue = "${sys:gifmachine.repository:-.}/monitoring",
      description =
          "The repository's monitoring/ directory, for alert rules and dashboards (default ${DEFAULT-VALUE}).")
  Path monitoringDir;

  @Option(
      names = "--interval",
      defaultValue = "5",
      description = "Seconds between heartbeats and scrapes (default ${DEFAULT-VALUE}).")
  int intervalSeconds;

  @Mixin VerboseOption verbosity = new VerboseOption();

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (port < 0 || port > 65535) {
      err.println("bad --port " + port + ": a port is 1-65535 (or 0 for free ports)");
      err.println("Try: gifmachine-on-aws local --port " + GifmachineConfig.DEFAULT_PORT);
      return BAD_OPTIONS;
    }
    if (prometheusPort != null && (prometheusPort < 0 || prometheusPort > 65535)) {
      err.println(
          "bad --prometheus-port " + prometheusPort + ": a port is 1-65535 (or 0 for a free port)");
      err.println("Try: gifmachine-on-aws local --prometheus-port " + LocalOptions.PROMETHEUS_PORT);
      return BAD_OPTIONS;
    }
    if (intervalSeconds < 1 || intervalSeconds > 300) {
      err.println("bad --interval " + intervalSeconds + ": must be 1-300 seconds");
      err.println("Try: gifmachine-on-aws local --interval 5");
      return BAD_OPTIONS;
    }
    String unusable = WritableDirectory.problem(dataDir);
    if (!unusable.isEmpty()) {
      err.println("cannot use --data-dir " + dataDir + ": " + unusable);
      err.println("Choose a directory you can write to, e.g. --data-dir ./.gifmachine");
      return BAD_OPTIONS;
    }
    int prometheus =
        prometheusPort != null ? prometheusPort : port == 0 ? 0 : LocalOptions.PROMETHEUS_PORT;
    LocalOptions options =
        new LocalOptions(
            dataDir,
            port,
            !noPrometheus,
            prometheus,
            monitoringDir,
            Duration.ofSeconds(intervalSeconds));
    // Ctrl-C and SIGTERM are caught before anything starts, so a signal during a slow start
    // (PostgreSQL, Prometheus) still stops what has started; the shutdown hook covers the
    // other ways a JVM ends (SIGHUP when the terminal closes).
    LocalSystem system = new LocalSystem();
    Thread hook = new Thread(system::close, "local-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try (StopSignals signals = StopSignals.install()) {
      Thread stopper =
          Thread.ofPlatform()
              .name("local-stop")
              .start(
                  () -> {
                    try {
                      signals.await();
                    } catch (InterruptedException e) {
                      return;
                    }
                    err.println("stopping (" + signals.name() + ")…");
                    err.flush();
                    stopQuietly(system, err);
                  });
      try {
        system.start(
            options,
            System.getenv().getOrDefault("PATH", ""),
            line -> {
              err.println(line);
              err.flush();
            });
      } catch (IOException | RuntimeException e) {
        if (signals.received()) {
          stopper.join();
          err.println("stopped while starting.");
          return STOPPED;
        }
        stopper.interrupt();
        err.println("cannot start the local system: " + describe(e));
        err.println(
            "Run again with --verbose for details; --port 0 puts every component on a free port.");
        if (verbosity.verbose()) {
          e.printStackTrace(err);
        }
        return FAILED;
      }
      system.describe().forEach(out::println);
      out.flush();
      err.println("Running. Press Ctrl-C to stop everything.");
      err.flush();
      stopper.join();
      err.println("stopped.");
      err.flush();
      return STOPPED;
    } finally {
      removeHook(hook);
    }
  }

  private void stopQuietly(LocalSystem system, PrintWriter err) {
    try {
      system.close();
    } catch (RuntimeException e) {
      err.println("stopping the local system: " + describe(e));
      if (verbosity.verbose()) {
        e.printStackTrace(err);
      }
    }
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The JVM is exiting for another reason: the hook stops the system.
    }
  }

  private static String describe(Exception e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return e.getCause() != null
            && e.getCause().getMessage() != null
            && !message.contains(e.getCause().getMessage())
        ? message + ": " + e.getCause().getMessage()
        : message;
  }
}
