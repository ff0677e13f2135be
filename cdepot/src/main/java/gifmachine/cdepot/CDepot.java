package gifmachine.cdepot;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * cDepot, the heartbeat registry: sidecars {@code POST /alive}, Prometheus discovers their
 * targets through {@code GET /targets} ({@code http_sd}) or the {@code file_sd} file.
 *
 * <pre>{@code
 * curl -X POST localhost:8002/alive -d '{"cluster":"prod","taskID":"t1","localIP":"10.0.0.5:8080"}'
 * curl localhost:8002/targets
 * }</pre>
 *
 * <p>Started by {@link #start(CDepotConfig)}; {@link #close()} writes the file a last time and
 * stops the server.
 */
public final class CDepot implements AutoCloseable {

  private static final Logger logger = System.getLogger(CDepot.class.getName());
  static final int MAX_BODY_BYTES = 16 * 1024;
  private static final String JSON = "application/json";

  private final CDepotConfig config;
  private final ObjectMapper json = new ObjectMapper();
  private final HeartbeatParser parser = new HeartbeatParser(json.getFactory());
  private final TargetRegistry registry;
  private final Optional<FileSd> fileSd;
  private final PrometheusRegistry metrics = new PrometheusRegistry();
  private final PrometheusTextFormatWriter metricsWriter = PrometheusTextFormatWriter.create();
  private final Counter heartbeats;
  // The data points, looked up once: a label lookup per heartbeat showed in the profile.
  private final CounterDataPoint accepted;
  private final CounterDataPoint rejected;
  private final CounterDataPoint full;
  private final HttpServer server;
  private volatile RenderedTargets renderedTargets = new RenderedTargets(-1, new byte[0]);
  private final ExecutorService handlers;
  private final ScheduledExecutorService housekeeping;

  /** {@code GET /targets}'s body for one registry version: 10,000 targets are 1.4 MB of JSON. */
  private record RenderedTargets(long version, byte[] json) {}

  private CDepot(CDepotConfig config) throws IOException {
    this.config = config;
    this.registry = new TargetRegistry(config.ttl().toNanos(), config.maxTargets(), System::nanoTime,
        group -> {
          try {
            return json.writeValueAsBytes(group);
          } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("a target group always serializes", e);
          }
        });
    this.fileSd = config.fileSdPath().map(path -> new FileSd(path, json));
    this.heartbeats =
        Counter.builder()
            .name("cdepot_heartbeats_total")
            .help("Heartbeats received, by result (accepted, rejected, full)")
            .labelNames("result")
            .register(metrics);
    this.accepted = heartbeats.labelValues("accepted");
    this.rejected = heartbeats.labelValues("rejected");
    this.full = heartbeats.labelValues("full");
    GaugeWithCallback.builder()
        .name("cdepot_targets")
        .help("Sidecars currently registered")
        .callback(callback -> {
              registry.expire();
              callback.call(registry.size());
            })
        .register(metrics);
    this.handlers = switch (config.executor()) {
      case VIRTUAL -> Executors.newVirtualThreadPerTaskExecutor();
      case FIXED -> Executors.newFixedThreadPool(2 * Runtime.getRuntime().availableProcessors());
      case INLINE -> null;
    };
    this.server = HttpServer.create(new InetSocketAddress(config.bindAddress(), config.port()), 1024);
    server.setExecutor(handlers); // null: on the server's own dispatcher thread
    server.createContext("/alive", this::alive);
    server.createContext("/targets", this::targets);
    server.createContext("/metrics", this::metricsEndpoint);
    server.createContext("/healthz", this::healthz);
    server.createContext("/", exchange -> error(exchange, 404, "path: not found"));
    this.housekeeping =
        Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("cdepot-housekeeping").factory());
  }

  /** Starts cDepot: restores the last file_sd file, then listens and keeps the file fresh. */
  public static CDepot start(CDepotConfig config) throws IOException {
    // Without TCP_NODELAY a keep-alive client waits for delayed ACKs between requests. The
    // JDK server reads this property once, so it has to be set before the first server exists.
    System.setProperty("sun.net.httpserver.nodelay", System.getProperty("sun.net.httpserver.nodelay", "true"));
    CDepot depot = new CDepot(config);
    depot.restore();
    depot.server.start();
    long sweep = Math.max(100, Math.min(1000, config.ttl().toMillis() / 4));
    depot.housekeeping.scheduleWithFixedDelay(depot.registry::expire, sweep, sweep, TimeUnit.MILLISECONDS);
    depot.fileSd.ifPresent(
        file -> {
          long every = config.fileSdInterval().toMillis();
          depot.housekeeping.scheduleWithFixedDelay(depot::writeFileSd, 0, every, TimeUnit.MILLISECONDS);
        });
    logger.log(Level.INFO, "cDepot listening on port {0}, TTL {1}", String.valueOf(depot.port()), config.ttl());
    return depot;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private void restore() {
    fileSd.ifPresent(
        file -> {
          try {
            var restored = file.read();
            registry.restore(restored);
            logger.log(Level.INFO, "restored {0} targets from {1}", restored.size(), file.path());
          } catch (IOException | RuntimeException e) {
            logger.log(Level.WARNING, "cannot restore targets from {0}: {1}", file.path(), e.toString());
          }
        });
  }

  private void writeFileSd() {
    fileSd.ifPresent(
        file -> {
          try {
            registry.expire();
            file.write(registry.targetGroups());
          } catch (IOException | RuntimeException e) {
            logger.log(Level.WARNING, "cannot write {0}: {1}", file.path(), e.toString());
          }
        });
  }

  private void alive(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"POST".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "POST");
        error(exchange, 405, "method: POST /alive");
        return;
      }
      Optional<byte[]> body = readBody(exchange);
      if (body.isEmpty()) {
        rejected.inc();
        error(exchange, 413, "body: at most " + MAX_BODY_BYTES + " bytes");
        return;
      }
      Heartbeat heartbeat;
      try {
        heartbeat = parser.parse(body.get());
      } catch (HeartbeatParser.InvalidHeartbeat e) {
        rejected.inc();
        error(exchange, 400, e.getMessage());
        return;
      }
      if (registry.register(heartbeat) == TargetRegistry.Outcome.FULL) {
        full.inc();
        error(exchange, 503, "targets: cDepot holds its maximum of " + config.maxTargets() + " targets");
        return;
      }
      accepted.inc();
      exchange.sendResponseHeaders(204, -1);
    }
  }

  /** The body, or empty when it is larger than {@link #MAX_BODY_BYTES}. */
  private static Optional<byte[]> readBody(HttpExchange exchange) throws IOException {
    String declared = exchange.getRequestHeaders().getFirst("Content-Length");
    long length = -1;
    if (declared != null) {
      try {
        length = Long.parseLong(declared.strip());
        if (length > MAX_BODY_BYTES) {
          return Optional.empty();
        }
      } catch (NumberFormatException e) {
        // Let the server's own framing decide; the read below enforces the limit anyway.
      }
    }
    try (InputStream in = exchange.getRequestBody()) {
      if (length >= 0) {
        // The usual case: read exactly the declared bytes into an array of that size, rather
        // than through readNBytes's 16 KB buffers (an allocation per heartbeat).
        byte[] body = new byte[(int) length];
        int read = in.readNBytes(body, 0, body.length);
        return Optional.of(read == body.length ? body : java.util.Arrays.copyOf(body, read));
      }
      byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
      return body.length > MAX_BODY_BYTES ? Optional.empty() : Optional.of(body);
    }
  }

  private void targets(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod())) {
        exchange.getResponseHeaders().set("Allow", "GET");
        error(exchange, 405, "method: GET /targets");
        return;
      }
      registry.expire();
      long version = registry.version();
      RenderedTargets rendered = renderedTargets;
      if (rendered.version() != version) {
        rendered = new RenderedTargets(version, registry.renderTargetGroups());
        renderedTargets = rendered;
      }
      respond(exchange, 200, JSON, rendered.json());
    }
  }

  private void metricsEndpoint(HttpExchange exchange) throws IOException {
    try (exchange) {
      ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
      metricsWriter.write(out, metrics.scrape());
      respond(exchange, 200, PrometheusTextFormatWriter.CONTENT_TYPE, out.toByteArray());
    }
  }

  private void healthz(HttpExchange exchange) throws IOException {
    try (exchange) {
      respond(exchange, 200, JSON, "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8));
    }
  }

  private void error(HttpExchange exchange, int status, String message) throws IOException {
    // The server drains an unread request body on close (or drops the connection if it is
    // too large), so a rejected request never leaves bytes behind for the next one.
    try (exchange) {
      respond(exchange, status, JSON, json.writeValueAsBytes(Map.of("error", message)));
    }
  }

  private static void respond(HttpExchange exchange, int status, String contentType, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }

  @Override
  public void close() {
    housekeeping.shutdownNow();
    writeFileSd();
    server.stop(0);
    if (handlers != null) {
      handlers.shutdownNow();
      try {
        handlers.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

}
