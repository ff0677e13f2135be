package gifmachine.csidecar;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * cSidecar: reads its task's stats (ECS task metadata v4, or cgroups outside ECS), serves them on
 * {@code GET /metrics}, and sends heartbeats to cDepot so that Prometheus finds the task.
 *
 * <pre>{@code
 * curl localhost:8080/metrics
 * }</pre>
 *
 * <p>Neither an unreachable cDepot nor an unreachable metadata endpoint stops it: it keeps serving,
 * retries, and reports {@code csidecar_stats_up 0} meanwhile.
 *
 * <p>Threads, kept few for memory: the HTTP server's dispatcher answers scrapes itself (no
 * executor), and one scheduler thread samples and sends heartbeats.
 */
public final class CSidecar implements AutoCloseable {

  private static final Logger logger = LoggerFactory.getLogger(CSidecar.class);

  private final StatsSource source;
  private final TaskMetrics taskMetrics;
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();
  private final AtomicReference<TaskIdentity> identity = new AtomicReference<>();
  private final String advertiseHost;
  private final HttpServer server;
  private final ScheduledExecutorService scheduler;
  private final Optional<Heartbeater> heartbeater;
  private volatile boolean sourceFailing;

  private CSidecar(CSidecarConfig config, StatsSource source) throws IOException {
    this.source = source;
    this.advertiseHost = config.advertiseHost();
    this.taskMetrics = new TaskMetrics(registry);
    this.server = HttpServer.create(new InetSocketAddress(config.bindAddress(), config.port()), 64);
    server.setExecutor(null); // handlers run on the server's dispatcher thread
    server.createContext("/metrics", this::metrics);
    server.createContext(
        "/healthz", exchange -> respond(exchange, 200, "application/json", "{\"status\":\"ok\"}"));
    server.createContext(
        "/",
        exchange -> respond(exchange, 404, "application/json", "{\"error\":\"path: not found\"}"));
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("csidecar-scheduler").factory());
    this.heartbeater =
        config
            .cdepotUrl()
            .map(
                url ->
                    new Heartbeater(
                        url,
                        this::identity,
                        server.getAddress().getPort(),
                        config.appMetricsPort(),
                        config.gitBranch(),
                        config.heartbeatInterval()));
    CounterWithCallback.builder()
        .name("csidecar_heartbeats_total")
        .help("Heartbeats sent to cDepot, by result (ok, failed)")
        .labelNames("result")
        .callback(
            cb ->
                heartbeater.ifPresent(
                    h -> {
                      cb.call(h.sent.get(), "ok");
                      cb.call(h.failed.get(), "failed");
                    }))
        .register(registry);
  }

  /** Starts the sidecar with the source its configuration names. */
  public static CSidecar start(CSidecarConfig config) throws IOException {
    return start(config, source(config));
  }

  static CSidecar start(CSidecarConfig config, StatsSource source) throws IOException {
    CSidecar sidecar = new CSidecar(config, source);
    sidecar.server.start();
    sidecar.scheduler.scheduleWithFixedDelay(
        sidecar::sample, 0, config.sampleInterval().toMillis(), TimeUnit.MILLISECONDS);
    sidecar.heartbeater.ifPresent(h -> sidecar.heartbeatAfter(h, Duration.ZERO));
    logger.info(
        "cSidecar on port {}, reading {}, heartbeats to {}",
        sidecar.port(),
        source.describe(),
        config.cdepotUrl().map(Object::toString).orElse("nowhere"));
    return sidecar;
  }

  private static StatsSource source(CSidecarConfig config) throws IOException {
    long pid = ProcessHandle.current().pid();
    TaskIdentity local =
        new TaskIdentity("local", "local-" + pid, config.function(), config.advertiseHost());
    return switch (config.source()) {
      case CSidecarConfig.Source.EcsMetadata ecs ->
          new EcsMetadataSource(ecs.endpoint(), config.function());
      case CSidecarConfig.Source.CgroupPath path ->
          CgroupSource.forPath(CSidecarConfig.systemRoot(), path.path(), config.function(), local);
      case CSidecarConfig.Source.Pid p ->
          CgroupSource.forPid(
              CSidecarConfig.systemRoot(),
              p.pid(),
              config.function(),
              new TaskIdentity(
                  "local", "local-" + p.pid(), config.function(), config.advertiseHost()));
    };
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Who this task is, once the stats source has said so. */
  public Optional<TaskIdentity> identity() {
    return Optional.ofNullable(identity.get());
  }

  /** Heartbeats reschedule themselves, so that a failure can shorten the wait (backoff). */
  private void heartbeatAfter(Heartbeater h, Duration delay) {
    try {
      scheduler.schedule(
          () -> heartbeatAfter(h, h.beatOnce()), delay.toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      // closing
    }
  }

  private void sample() {
    try {
      TaskSample sample = source.read();
      TaskIdentity who = sample.identity();
      identity.set(
          who.host().isEmpty()
              ? new TaskIdentity(who.cluster(), who.taskId(), who.function(), advertiseHost)
              : who);
      taskMetrics.update(sample);
      if (sourceFailing) {
        logger.info("stats source {} is back", source.describe());
        sourceFailing = false;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      taskMetrics.failed();
      if (!sourceFailing) {
        logger.warn("cannot read {}: {}; retrying", source.describe(), e.toString());
        sourceFailing = true;
      }
    }
  }

  private void metrics(HttpExchange exchange) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(2048);
    writer.write(out, registry.scrape());
    respond(
        exchange,
        200,
        PrometheusTextFormatWriter.CONTENT_TYPE,
        out.toString(StandardCharsets.UTF_8));
  }

  private static void respond(HttpExchange exchange, int status, String contentType, String body)
      throws IOException {
    try (exchange) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", contentType);
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    server.stop(0);
  }
}
