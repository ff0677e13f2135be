package gifmachine.app.metrics;

import gifmachine.app.gif.SearchCache;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntSupplier;

/**
 * Gifmachine's Prometheus metrics in a registry of its own (two instances can share a JVM, in tests
 * and in {@code local}), exposed at {@code GET /metrics}.
 *
 * <pre>{@code curl -s localhost:4567/metrics | grep gifmachine_}</pre>
 */
public final class AppMetrics {

  /**
   * The methods that get a label value of their own; anything else a client sends counts as {@code
   * other}, so made-up methods cannot grow the series set (RFC 9110 section 9 plus PATCH).
   */
  private static final Set<String> KNOWN_METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");

  private final PrometheusRegistry registry;
  private final Counter requests;
  private final Histogram duration;
  private final Counter gifsPosted;
  private final Counter secretFailures;
  private final Counter searches;
  private final ExpositionFormatWriter writer;
  private final AtomicBoolean jvmMetricsStarted = new AtomicBoolean();
  private final CompletableFuture<Void> jvmMetrics = new CompletableFuture<>();

  /**
   * @param websocketClients how many WebSocket clients are connected right now
   */
  public AppMetrics(PrometheusRegistry registry, IntSupplier websocketClients) {
    this.registry = registry;
    this.requests =
        Counter.builder()
            .name("gifmachine_http_requests_total")
            .help("HTTP requests by method, route template and status")
            .labelNames("method", "route", "status")
            .register(registry);
    this.duration =
        Histogram.builder()
            .name("gifmachine_http_request_duration_seconds")
            .help("HTTP request latency by method, route template and status")
            .labelNames("method", "route", "status")
            .classicOnly()
            .classicUpperBounds(
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
            .register(registry);
    this.gifsPosted =
        Counter.builder()
            .name("gifmachine_gifs_posted_total")
            .help("Gifs stored through POST /gif")
            .register(registry);
    this.secretFailures =
        Counter.builder()
            .name("gifmachine_secret_check_failures_total")
            .help("Requests refused for a wrong or missing secret")
            .register(registry);
    this.searches =
        Counter.builder()
            .name("gifmachine_search_pages_total")
            .help("Search pages by how they were answered: hit (memory), miss or bypass (database)")
            .labelNames("answer")
            .register(registry);
    GaugeWithCallback.builder()
        .name("gifmachine_websocket_clients")
        .help("WebSocket clients connected to this instance")
        .callback(cb -> cb.call(websocketClients.getAsInt()))
        .register(registry);
    this.writer = ExpositionFormats.init().getPrometheusTextFormatWriter();
  }

  /**
   * Counts a request. Every label value comes from a closed set: {@code method} is one of the known
   * methods or {@code other}, {@code route} a route template or {@code unmatched} (the caller's
   * job), the status a three-digit code.
   */
  public void observeRequest(String method, String route, int status, double seconds) {
    routeObserver(method, route, status).observe(seconds);
  }

  /**
   * The series of one method, route and status, with the same closed label sets as {@link
   * #observeRequest}; kept by a hot route whose answer is always the same (the {@code GET /gif}
   * fast path), so each of its requests skips the label lookups.
   */
  public RouteObserver routeObserver(String method, String route, int status) {
    String code = status >= 100 && status <= 599 ? Integer.toString(status) : "other";
    String knownMethod = KNOWN_METHODS.contains(method) ? method : "other";
    CounterDataPoint count = requests.labelValues(knownMethod, route, code);
    DistributionDataPoint latency = duration.labelValues(knownMethod, route, code);
    return seconds -> {
      count.inc();
      latency.observe(seconds);
    };
  }

  /** Counts requests of one method, route and status (see {@link #routeObserver}). */
  @FunctionalInterface
  public interface RouteObserver {
    void observe(double seconds);
  }

  public void gifPosted() {
    gifsPosted.inc();
  }

  public void secretCheckFailed() {
    secretFailures.inc();
  }

  /** One search page answered, as {@link SearchCache} tells. */
  public void searchAnswered(SearchCache.Outcome outcome) {
    searches.labelValues(outcome.name().toLowerCase(Locale.ROOT)).inc();
  }

  /** Registers {@code GET /metrics}: the Prometheus text format. */
  public void routes(RoutesConfig routes) {
    routes.get("/metrics", this::scrape);
  }

  /**
   * Registers client_java's JVM metrics on a thread of its own, once. They start the platform MBean
   * server (~350 classes, about 0.3 s of a loaded start), which the first request does not need:
   * the app calls this after it serves, and a scrape that comes first waits for it, so every scrape
   * has them.
   */
  public void registerJvmMetrics() {
    if (jvmMetricsStarted.compareAndSet(false, true)) {
      Thread.ofPlatform()
          .daemon()
          .name("gifmachine-jvm-metrics")
          .start(
              () -> {
                try {
                  JvmMetrics.builder().register(registry);
                  jvmMetrics.complete(null);
                } catch (RuntimeException | Error e) {
                  jvmMetrics.completeExceptionally(e);
                }
              });
    }
  }

  public void scrape(Context ctx) throws IOException {
    registerJvmMetrics();
    jvmMetrics.join();
    ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
    writer.write(out, registry.scrape());
    ctx.contentType(writer.getContentType()).result(out.toByteArray());
  }
}
