package gifmachine.cdepot;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Promise;
import org.eclipse.jetty.util.VirtualThreads;
import org.eclipse.jetty.util.thread.Invocable.InvocationType;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * cDepot, the heartbeat registry: sidecars {@code POST /alive}, Prometheus discovers their targets
 * through {@code GET /targets} ({@code http_sd}) or the {@code file_sd} file.
 *
 * <pre>{@code
 * curl -X POST localhost:8002/alive -d '{"cluster":"prod","taskID":"t1","localIP":"10.0.0.5:8080"}'
 * curl localhost:8002/targets
 * }</pre>
 *
 * <p>It serves HTTP with Jetty's core {@link Handler} API (no servlets): the JDK's {@code
 * com.sun.net.httpserver} spent most of each heartbeat in two thread hand-offs and ~17 KB of
 * garbage (docs/benchmarks.md). Started by {@link #start(CDepotConfig)}; {@link #close()} writes
 * the file a last time and stops the server.
 */
public final class CDepot implements AutoCloseable {

  private static final Logger logger = LoggerFactory.getLogger(CDepot.class);
  static final int MAX_BODY_BYTES = 16 * 1024;

  /** Connections beyond one per target: Prometheus, health checks, operators. */
  private static final int EXTRA_CONNECTIONS = 100;

  private static final String JSON = "application/json";

  private final CDepotConfig config;
  private final ObjectMapper json = new ObjectMapper();
  private final HeartbeatParser parser = new HeartbeatParser(json.getFactory());
  private final TargetRegistry registry;
  private final Optional<FileSd> fileSd;
  private final PrometheusRegistry metrics = new PrometheusRegistry();
  private final PrometheusTextFormatWriter metricsWriter = PrometheusTextFormatWriter.create();
  // The data points, looked up once: a label lookup per heartbeat showed in the profile.
  private final CounterDataPoint accepted;
  private final CounterDataPoint rejected;
  private final CounterDataPoint full;
  private final Server server;
  private final ServerConnector connector;
  private volatile RenderedTargets renderedTargets = new RenderedTargets(-1, new byte[0]);
  private final ScheduledExecutorService housekeeping;

  /** {@code GET /targets}'s body for one registry version: 10,000 targets are 1.4 MB of JSON. */
  private record RenderedTargets(long version, byte[] json) {}

  private CDepot(CDepotConfig config, LongSupplier nanoClock) {
    this.config = config;
    this.registry =
        new TargetRegistry(
            config.ttl().toNanos(),
            config.maxTargets(),
            nanoClock,
            group -> {
              try {
                return json.writeValueAsBytes(group);
              } catch (JsonProcessingException e) {
                throw new IllegalStateException("a target group always serializes", e);
              }
            });
    this.fileSd = config.fileSdPath().map(path -> new FileSd(path, json));
    Counter heartbeats =
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
        .callback(
            callback -> {
              registry.expire();
              callback.call(registry.size());
            })
        .register(metrics);
    this.server = new Server(threadPool(config.executor()));
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    this.connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
    connector.setHost(config.bindAddress());
    connector.setPort(config.port());
    connector.setAcceptQueueSize(1024);
    server.addConnector(connector);
    // Every sidecar needs at most one connection; beyond the cap Jetty stops accepting and new
    // connections wait in the listen backlog instead of growing memory and queued work without
    // bound.
    server.addBean(new NetworkConnectionLimit(config.maxTargets() + EXTRA_CONNECTIONS, connector));
    server.setHandler(
        new Routes(
            config.executor() == CDepotConfig.HttpExecutor.INLINE
                ? InvocationType.NON_BLOCKING
                : InvocationType.BLOCKING));
    server.setErrorHandler(new JsonErrors());
    server.setStopTimeout(0);
    this.housekeeping =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("cdepot-housekeeping").factory());
  }

  /**
   * Jetty needs an acceptor, a selector and a reserved thread of its own; the rest run handlers.
   * Kept small for the 0.25-1 vCPU cDepot gets: each idle platform thread is a stack.
   */
  private static QueuedThreadPool threadPool(CDepotConfig.HttpExecutor executor) {
    // The task queue stays Jetty's own: Jetty 12 warns at start that a bounded one "can lead to
    // unexpected behavior" (its I/O work goes through it too). What bounds it is the connection
    // limit: over HTTP/1.1 a connection has at most one request in progress.
    QueuedThreadPool threads =
        new QueuedThreadPool(4 + 2 * Runtime.getRuntime().availableProcessors(), 2);
    threads.setName("cdepot-http");
    if (executor == CDepotConfig.HttpExecutor.VIRTUAL) {
      threads.setVirtualThreadsExecutor(
          VirtualThreads.getNamedVirtualThreadsExecutor("cdepot-handler"));
    }
    return threads;
  }

  /** Starts cDepot: restores the last file_sd file, then listens and keeps the file fresh. */
  public static CDepot start(CDepotConfig config) throws IOException {
    return start(config, System::nanoTime);
  }

  /** As {@link #start(CDepotConfig)}, with the clock the TTL is measured on (tests drive it). */
  static CDepot start(CDepotConfig config, LongSupplier nanoClock) throws IOException {
    CDepot depot = new CDepot(config, nanoClock);
    depot.restore();
    try {
      depot.server.start();
    } catch (Exception e) {
      // Not close(): its last file write could overwrite the file of a cDepot already running.
      depot.housekeeping.shutdownNow();
      depot.stopServer();
      throw e instanceof IOException io
          ? io
          : new IOException("cannot start the HTTP server: " + e.getMessage(), e);
    }
    long sweep = Math.max(100, Math.min(1000, config.ttl().toMillis() / 4));
    depot.housekeeping.scheduleWithFixedDelay(
        depot.registry::expire, sweep, sweep, TimeUnit.MILLISECONDS);
    depot.fileSd.ifPresent(
        file -> {
          long every = config.fileSdInterval().toMillis();
          depot.housekeeping.scheduleWithFixedDelay(
              depot::writeFileSd, 0, every, TimeUnit.MILLISECONDS);
        });
    logger.info("cDepot listening on port {}, TTL {}", depot.port(), config.ttl());
    return depot;
  }

  public int port() {
    return connector.getLocalPort();
  }

  private void restore() {
    fileSd.ifPresent(
        file -> {
          try {
            var restored = file.read();
            registry.restore(restored);
            logger.info("restored {} targets from {}", restored.size(), file.path());
          } catch (IOException | RuntimeException e) {
            logger.warn("cannot restore targets from {}: {}", file.path(), e.toString());
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
            logger.warn("cannot write {}: {}", file.path(), e.toString());
          }
        });
  }

  /** The routes: exact paths, as the original had. */
  private final class Routes extends Handler.Abstract {

    Routes(InvocationType invocationType) {
      super(invocationType);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      switch (Request.getPathInContext(request)) {
        case "/alive" -> alive(request, response, callback);
        case "/targets" -> targets(request, response, callback);
        case "/metrics" -> metricsEndpoint(response, callback);
        case "/healthz" -> respond(response, callback, 200, JSON, HEALTHY);
        default -> error(response, callback, 404, "path: not found");
      }
      return true;
    }
  }

  private static final byte[] HEALTHY = "{\"status\":\"ok\"}".getBytes(StandardCharsets.UTF_8);

  private void alive(Request request, Response response, Callback callback) {
    if (!HttpMethod.POST.is(request.getMethod())) {
      response.getHeaders().put(HttpHeader.ALLOW, "POST");
      error(response, callback, 405, "method: POST /alive");
      return;
    }
    if (request.getLength() > MAX_BODY_BYTES) {
      tooLarge(response, callback);
      return;
    }
    // Usually the body came with the headers and this completes at once, on this thread; the
    // work after it never blocks, so Jetty may run it on its selector thread if it must wait.
    Content.Source.asByteArrayAsync(
        request,
        MAX_BODY_BYTES,
        Promise.Invocable.from(
            InvocationType.NON_BLOCKING,
            body -> heartbeat(body, response, callback),
            failure -> {
              // Jetty's overflow failure ("Max size exceeded") for a body without Content-Length;
              // I/O failures (a client gone mid-body) go to Jetty.
              if (failure instanceof IllegalStateException) {
                tooLarge(response, callback);
              } else {
                callback.failed(failure);
              }
            }));
  }

  private void tooLarge(Response response, Callback callback) {
    rejected.inc();
    error(response, callback, 413, "body: at most " + MAX_BODY_BYTES + " bytes");
  }

  private void heartbeat(byte[] body, Response response, Callback callback) {
    // A sidecar repeats the same bytes: most heartbeats end here, unparsed.
    if (registry.refresh(body)) {
      accepted(response, callback);
      return;
    }
    Heartbeat heartbeat;
    try {
      heartbeat = parser.parse(body);
    } catch (HeartbeatParser.InvalidHeartbeat e) {
      rejected.inc();
      error(response, callback, 400, e.getMessage());
      return;
    }
    if (registry.register(heartbeat, body) == TargetRegistry.Outcome.FULL) {
      full.inc();
      error(
          response,
          callback,
          503,
          "targets: cDepot holds its maximum of " + config.maxTargets() + " targets");
      return;
    }
    accepted(response, callback);
  }

  private void accepted(Response response, Callback callback) {
    accepted.inc();
    response.setStatus(204);
    callback.succeeded();
  }

  private void targets(Request request, Response response, Callback callback) {
    if (!HttpMethod.GET.is(request.getMethod())) {
      response.getHeaders().put(HttpHeader.ALLOW, "GET");
      error(response, callback, 405, "method: GET /targets");
      return;
    }
    registry.expire();
    long version = registry.version();
    RenderedTargets rendered = renderedTargets;
    if (rendered.version() != version) {
      rendered = new RenderedTargets(version, registry.renderTargetGroups());
      renderedTargets = rendered;
    }
    respond(response, callback, 200, JSON, rendered.json());
  }

  private void metricsEndpoint(Response response, Callback callback) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
    try {
      metricsWriter.write(out, metrics.scrape());
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory does not fail", e);
    }
    respond(response, callback, 200, PrometheusTextFormatWriter.CONTENT_TYPE, out.toByteArray());
  }

  private void error(Response response, Callback callback, int status, String message) {
    // Jetty reads and discards a rejected request's unread body (or closes the connection when
    // it is too large), so no bytes are left behind for the next request.
    respond(response, callback, status, JSON, errorJson(message));
  }

  private byte[] errorJson(String message) {
    try {
      return json.writeValueAsBytes(Map.of("error", message));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a string always serializes", e);
    }
  }

  private static void respond(
      Response response, Callback callback, int status, String contentType, byte[] body) {
    response.setStatus(status);
    HttpFields.Mutable headers = response.getHeaders();
    headers.put(HttpHeader.CONTENT_TYPE, contentType);
    headers.put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
  }

  /**
   * Errors Jetty raises itself (a malformed request line, headers over 8 KB, a handler failure) in
   * cDepot's JSON shape, {@code {"error":"http: Bad Request"}}, never an HTML page.
   */
  private final class JsonErrors extends ErrorHandler {

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
      int status = response.getStatus() >= 400 ? response.getStatus() : 500;
      Object message = request.getAttribute(ERROR_MESSAGE);
      respond(response, callback, status, JSON, errorJson(http(status, message)));
      return true;
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
      fields.put(HttpHeader.CONTENT_TYPE, JSON);
      return ByteBuffer.wrap(errorJson(http(status, reason)));
    }

    private static String http(int status, Object message) {
      return "http: " + (message == null ? HttpStatus.getMessage(status) : message.toString());
    }
  }

  @Override
  public void close() {
    housekeeping.shutdownNow();
    writeFileSd();
    stopServer();
  }

  private void stopServer() {
    try {
      server.stop();
    } catch (Exception e) {
      logger.warn("cannot stop the HTTP server: {}", e.toString());
    }
  }
}
