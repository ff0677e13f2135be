package gifmachine.cli.local;

import gifmachine.app.Gifmachine;
import gifmachine.app.GifmachineConfig;
import gifmachine.app.process.PidFile;
import gifmachine.cdepot.CDepot;
import gifmachine.cdepot.CDepotConfig;
import gifmachine.csidecar.CSidecar;
import gifmachine.csidecar.CSidecarConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Consumer;

/**
 * The whole Gifmachine system on one machine: Gifmachine on embedded PostgreSQL, cDepot, a cSidecar
 * watching Gifmachine's process through cgroups and announcing it to cDepot, and Prometheus (and
 * Grafana) when their binaries are installed. {@link #close()} stops everything in reverse order,
 * child processes included.
 *
 * <pre>{@code
 * try (LocalSystem system = new LocalSystem()) {
 *   system.start(options, System.getenv("PATH"), System.err::println);
 *   System.out.println(system.gifmachineUrl());
 * }
 * }</pre>
 *
 * <p>A start first ends what a killed earlier run of the same data directory left behind: its
 * Prometheus and Grafana by the pid files this class writes, its PostgreSQL by PostgreSQL's own
 * {@code postmaster.pid} (in Gifmachine's embedded database); never a process it did not start.
 *
 * <p>{@link #close()} may run while {@link #start} is still going (Ctrl-C during startup): what
 * started is stopped, and whatever starts afterwards is stopped at once.
 */
public final class LocalSystem implements AutoCloseable {

  /** In each child's directory: the pid of the child a run started, for the next run to check. */
  static final String PID_FILE = "pid";

  /** In the data directory: locked by the running local, holding its pid for messages. */
  static final String LOCK_FILE = "local.lock";

  private static final Duration STALE_GRACE = Duration.ofSeconds(10);

  private final Deque<AutoCloseable> running = new ArrayDeque<>();
  private Gifmachine gifmachine;
  private CDepot cdepot;
  private CSidecar sidecar;
  private Optional<URI> prometheusUrl = Optional.empty();
  private Optional<URI> grafanaUrl = Optional.empty();
  private Optional<ExternalProcess> prometheus = Optional.empty();
  private String prometheusNote = "";
  private String grafanaNote = "";
  private boolean closed;

  public LocalSystem() {}

  /**
   * Starts every component; if one fails, those already started are stopped before the error
   * propagates.
   *
   * @param path the {@code PATH} to look for {@code prometheus} and {@code grafana-server} on
   * @param progress where to report what is starting (stderr in the CLI)
   */
  public void start(LocalOptions options, String path, Consumer<String> progress)
      throws IOException, InterruptedException {
    try {
      startAll(options, path, progress);
    } catch (IOException | InterruptedException | RuntimeException e) {
      close();
      throw e;
    }
  }

  /** Remembers a started component for {@link #close()}, or stops it if we are closing. */
  private synchronized <T extends AutoCloseable> T track(T component) {
    if (closed) {
      try {
        component.close();
      } catch (Exception e) {
        // we are stopping anyway
      }
      throw new IllegalStateException("stopped while starting");
    }
    running.push(component);
    return component;
  }

  private void startAll(LocalOptions options, String path, Consumer<String> progress)
      throws IOException, InterruptedException {
    Path dataDir = options.dataDir().toAbsolutePath();
    Files.createDirectories(dataDir);
    // Held until close, released by the OS when this process dies however it dies: what a
    // start finds of an earlier run is stale only when no live local holds the lock.
    track(lockDataDirectory(dataDir));
    progress.accept(
        "starting Gifmachine on embedded PostgreSQL in " + dataDir.resolve("gifmachine"));
    gifmachine =
        track(
            Gifmachine.start(
                GifmachineConfig.local(dataDir.resolve("gifmachine"), options.gifmachinePort())));

    progress.accept("starting cDepot");
    cdepot =
        track(
            CDepot.start(
                CDepotConfig.defaults()
                    .withBindAddress("127.0.0.1")
                    .withPort(options.portFor(LocalOptions.CDEPOT_PORT))
                    .withTtl(options.interval().multipliedBy(3))
                    .withFileSd(dataDir.resolve("cdepot/targets.json"), options.interval())));

    progress.accept(
        "starting cSidecar watching Gifmachine (process " + ProcessHandle.current().pid() + ")");
    sidecar =
        track(
            CSidecar.start(
                CSidecarConfig.watchingThisProcess()
                    .withPort("127.0.0.1", options.portFor(LocalOptions.SIDECAR_PORT))
                    .withSampleInterval(options.interval())
                    .withApp(gifmachine.port(), "local")
                    .withCdepot(cdepotUrl(), options.interval())));

    Optional<Path> rules =
        Optional.of(options.monitoringDir().resolve("prometheus/rules")).filter(Files::isDirectory);
    if (!options.prometheus()) {
      prometheusNote = "not started (--no-prometheus)";
    } else {
      Optional<Path> binary = ExternalProcess.onPath("prometheus", path);
      if (binary.isEmpty()) {
        prometheusNote =
            "not started: no prometheus binary on PATH (install it, e.g. apt-get install prometheus)";
      } else {
        startPrometheus(binary.get(), dataDir.resolve("prometheus"), options, rules, progress);
      }
    }
    Optional<Path> grafana = ExternalProcess.onPath("grafana-server", path);
    if (grafana.isEmpty()) {
      grafanaNote = "not started: no grafana-server binary on PATH";
    } else if (prometheusUrl.isEmpty()) {
      grafanaNote = "not started: it needs Prometheus";
    } else {
      startGrafana(grafana.get(), dataDir.resolve("grafana"), options, progress);
    }
  }

  private void startPrometheus(
      Path binary, Path dir, LocalOptions options, Optional<Path> rules, Consumer<String> progress)
      throws IOException, InterruptedException {
    Files.createDirectories(dir.resolve("data"));
    Path config = dir.resolve("prometheus.yml");
    String configFlag = "--config.file=" + config;
    endStale("Prometheus", dir, configFlag, progress);
    Files.writeString(config, PrometheusConfig.render(cdepotUrl(), options.interval(), rules));
    int port =
        options.prometheusPort() == 0
            ? freePort()
            : requireFree("Prometheus", options.prometheusPort(), "--prometheus-port");
    progress.accept("starting Prometheus (" + binary + ")");
    ExternalProcess process =
        track(
            started(
                dir,
                ExternalProcess.start(
                    "prometheus",
                    List.of(
                        binary.toString(),
                        configFlag,
                        "--storage.tsdb.path=" + dir.resolve("data"),
                        "--web.listen-address=127.0.0.1:" + port),
                    dir.resolve("prometheus.log"),
                    Map.of())));
    prometheus = Optional.of(process);
    URI url = URI.create("http://127.0.0.1:" + port + "/");
    process.awaitReady(url.resolve("/-/ready"), Duration.ofSeconds(60));
    prometheusUrl = Optional.of(url);
  }

  private void startGrafana(Path binary, Path dir, LocalOptions options, Consumer<String> progress)
      throws IOException, InterruptedException {
    Path provisioning = dir.resolve("provisioning");
    Files.createDirectories(provisioning.resolve("datasources"));
    Files.createDirectories(provisioning.resolve("dashboards"));
    Path dashboards = options.monitoringDir().resolve("grafana/dashboards").toAbsolutePath();
    Files.writeString(
        provisioning.resolve("datasources/prometheus.yml"), GrafanaProvisioning.datasources());
    Files.writeString(
        provisioning.resolve("dashboards/dashboards.yml"),
        GrafanaProvisioning.dashboards(dashboards));
    // Grafana's own packaging passes its paths as cfg: arguments too; here that also puts our
    // data directory on its command line, which is how a later start knows the process is ours.
    String dataArgument = "cfg:default.paths.data=" + dir.resolve("data");
    endStale("Grafana", dir, dataArgument, progress);
    int port =
        options.gifmachinePort() == 0
            ? freePort()
            : requireFree("Grafana", LocalOptions.GRAFANA_PORT, "--port 0");
    Path home =
        Files.isDirectory(Path.of("/usr/share/grafana"))
            ? Path.of("/usr/share/grafana")
            : binary.getParent().getParent();
    progress.accept("starting Grafana (" + binary + ")");
    ExternalProcess process =
        track(
            started(
                dir,
                ExternalProcess.start(
                    "grafana",
                    List.of(binary.toString(), "--homepath=" + home, dataArgument),
                    dir.resolve("grafana.log"),
                    Map.of(
                        "GF_PATHS_DATA", dir.resolve("data").toString(),
                        "GF_PATHS_LOGS", dir.resolve("logs").toString(),
                        "GF_PATHS_PROVISIONING", provisioning.toString(),
                        "GF_SERVER_HTTP_ADDR", "127.0.0.1",
                        "GF_SERVER_HTTP_PORT", Integer.toString(port),
                        "GF_AUTH_ANONYMOUS_ENABLED", "true",
                        "GF_AUTH_ANONYMOUS_ORG_ROLE", "Viewer",
                        "PROMETHEUS_URL", prometheusUrl.orElseThrow().toString()))));
    URI url = URI.create("http://127.0.0.1:" + port + "/");
    process.awaitReady(url.resolve("/api/health"), Duration.ofSeconds(60));
    grafanaUrl = Optional.of(url);
  }

  /**
   * One {@code local} per data directory: a second one would end the first one's PostgreSQL and
   * Prometheus as if they were left by a crash.
   */
  private static AutoCloseable lockDataDirectory(Path dataDir) throws IOException {
    Path file = dataDir.resolve(LOCK_FILE);
    FileChannel channel =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    if (lock == null) {
      String holder =
          new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.UTF_8).strip();
      channel.close();
      throw new IOException(
          "another local is running on "
              + dataDir
              + (holder.isEmpty() ? "" : " (process " + holder + ")")
              + "; stop it first, or give this one its own --data-dir");
    }
    channel
        .truncate(0)
        .write(
            java.nio.ByteBuffer.wrap(
                (ProcessHandle.current().pid() + "\n")
                    .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    return channel::close;
  }

  /**
   * Ends the server a previous {@code local} of this data directory left running when it was killed
   * (kill -9, an out-of-memory kill): the pid file it wrote names the process, and only a live
   * process whose command line carries {@code ourArgument} (a path in this data directory) is
   * signalled. Anything else, such as a pid the system has since reused, is left alone.
   */
  private static void endStale(
      String name, Path dir, String ourArgument, Consumer<String> progress) {
    PidFile pids = new PidFile(dir.resolve(PID_FILE));
    OptionalLong pid = pids.pid();
    PidFile.Outcome outcome = pids.endStale(args -> args.contains(ourArgument), STALE_GRACE);
    if (outcome == PidFile.Outcome.ENDED) {
      progress.accept(
          "ended " + name + " (process " + pid.orElse(0) + ") left running by an earlier local");
    }
    pids.delete();
  }

  /** Records the child's pid for {@link #endStale}; the file goes when the child is stopped. */
  private static ExternalProcess started(Path dir, ExternalProcess process) {
    PidFile pids = new PidFile(dir.resolve(PID_FILE));
    pids.write(process.pid());
    return process.onClose(pids::delete);
  }

  /** {@code port} when nothing listens on it on loopback; else a message saying what to do. */
  private static int requireFree(String name, int port, String option) throws IOException {
    try (ServerSocket socket =
        new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
      return port;
    } catch (java.net.BindException e) {
      throw new IOException(
          name
              + ": port "
              + port
              + " is in use by a program local did not start; stop it, or choose "
              + "another port with "
              + option);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  public URI gifmachineUrl() {
    return gifmachine.baseUri();
  }

  public String password() {
    return gifmachine.password();
  }

  public URI cdepotUrl() {
    return URI.create("http://127.0.0.1:" + cdepot.port());
  }

  public URI sidecarMetricsUrl() {
    return URI.create("http://127.0.0.1:" + sidecar.port() + "/metrics");
  }

  public Optional<URI> prometheusUrl() {
    return prometheusUrl;
  }

  public Optional<URI> grafanaUrl() {
    return grafanaUrl;
  }

  /** The Prometheus process id, when one runs. */
  public Optional<Long> prometheusPid() {
    return prometheus.map(ExternalProcess::pid);
  }

  /** Lines for the user: one per component with its URL, or why it did not start. */
  public List<String> describe() {
    return List.of(
        "Gifmachine  " + gifmachineUrl(),
        "API secret  " + password(),
        "cDepot      " + cdepotUrl().resolve("/targets"),
        "cSidecar    " + sidecarMetricsUrl(),
        "Prometheus  " + prometheusUrl.map(URI::toString).orElse(prometheusNote),
        "Grafana     " + grafanaUrl.map(URI::toString).orElse(grafanaNote));
  }

  @Override
  public synchronized void close() {
    closed = true;
    RuntimeException failure = null;
    while (!running.isEmpty()) {
      try {
        running.pop().close();
      } catch (Exception e) {
        if (failure == null) {
          failure =
              e instanceof RuntimeException r ? r : new UncheckedIOException(new IOException(e));
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }
}
