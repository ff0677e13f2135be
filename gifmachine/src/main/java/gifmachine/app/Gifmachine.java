package gifmachine.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Ticker;
import gifmachine.app.db.Database;
import gifmachine.app.gif.DatabaseUnavailableException;
import gifmachine.app.gif.Gif;
import gifmachine.app.gif.GifApi;
import gifmachine.app.gif.GifStore;
import gifmachine.app.gif.InvalidInputException;
import gifmachine.app.gif.LatestGif;
import gifmachine.app.gif.SearchCache;
import gifmachine.app.gif.SearchIndexes;
import gifmachine.app.gif.SearchText;
import gifmachine.app.health.Drain;
import gifmachine.app.health.HealthApi;
import gifmachine.app.live.ClusterFeed;
import gifmachine.app.live.LiveHub;
import gifmachine.app.metrics.AppMetrics;
import gifmachine.app.web.JsonErrorHandler;
import gifmachine.app.web.LatestGifFastPath;
import gifmachine.app.web.Pages;
import gifmachine.app.web.RequestLog;
import io.javalin.Javalin;
import io.javalin.config.JavalinConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.router.Endpoint;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Gifmachine: HTTP API, kiosk pages and WebSockets on one port (Javalin 7 on Jetty 12,
 * virtual threads), backed by PostgreSQL.
 *
 * <pre>{@code
 * try (Gifmachine app = Gifmachine.start(GifmachineConfig.local(Path.of(".gifmachine"), 0))) {
 *   System.out.println(app.baseUri() + " secret " + app.password());
 * }
 * }</pre>
 */
public final class Gifmachine implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(Gifmachine.class);

  /** Request bodies above this are refused with 413: a gif post is well under 4 KB. */
  public static final int MAX_BODY_BYTES = 64 * 1024;

  private final GifmachineConfig config;
  private final Database database;
  private final ClusterFeed feed;
  private final SearchIndexes indexes;
  private final RequestLog requestLog;
  private final Javalin server;
  private final Drain drain;
  private final LiveHub hub;

  /**
   * How long stopping waits for requests in flight (Jetty's graceful stop) and for kiosks to answer
   * their close frames, after the drain period.
   */
  static final Duration STOP_GRACE = Duration.ofSeconds(10);

  private Gifmachine(
      GifmachineConfig config,
      Database database,
      ClusterFeed feed,
      SearchIndexes indexes,
      RequestLog requestLog,
      Javalin server,
      Drain drain,
      LiveHub hub) {
    this.config = config;
    this.database = database;
    this.feed = feed;
    this.indexes = indexes;
    this.requestLog = requestLog;
    this.server = server;
    this.drain = drain;
    this.hub = hub;
  }

  /**
   * Opens (or starts) the database, migrates it, and serves on {@code config.port()}.
   *
   * @throws GifmachineStartupException when the database or port is unusable
   */
  public static Gifmachine start(GifmachineConfig config) {
    return start(config, new FileOutputStream(FileDescriptor.out));
  }

  /** As {@link #start(GifmachineConfig)}, with the request log written to {@code requestLogTo}. */
  public static Gifmachine start(GifmachineConfig config, OutputStream requestLogTo) {
    Preload.start(); // the web server's classes load on another core while the database opens
    Database database = Database.open(config.database());
    RequestLog requestLog = new RequestLog(requestLogTo);
    ClusterFeed feed = null;
    SearchIndexes indexes = null;
    try {
      ObjectMapper json = new ObjectMapper();
      SearchText searchText = SearchText.detect(database.dataSource());
      GifStore store = new GifStore(database.dataSource(), ClusterFeed.CHANNEL, searchText);
      LatestGif latest = new LatestGif(json);
      store.latest().ifPresent(latest::offer);
      LiveHub hub = new LiveHub(() -> latest.get().json());
      AppMetrics metrics = new AppMetrics(new PrometheusRegistry(), hub::clientCount);
      SearchCache search =
          new SearchCache(
              store, config.searchCacheBytes(), Ticker.systemTicker(), metrics::searchAnswered);
      feed = new ClusterFeed(database::openDedicated, store, latest, hub, json, search);
      GifApi gifs = new GifApi(store, latest, feed, metrics, json, config.password());
      Pages pages = new Pages(store, search);
      Drain drain = new Drain();
      HealthApi health = new HealthApi(store, database::recoverable, drain);
      Javalin server =
          Javalin.create(
              cfg -> {
                configure(cfg, config, hub, gifs, pages, health, metrics, requestLog, json);
                cfg.jetty.modifyServer(
                    jetty -> jetty.setHandler(new LatestGifFastPath(latest, metrics, requestLog)));
                drainGracefully(cfg, drain);
              });
      feed.start();
      startServer(server, config);
      metrics.registerJvmMetrics(); // not needed for the first request: after the server is up
      // After the server is up: builds on an adopted database take a while, search works meanwhile.
      indexes = new SearchIndexes(database::openDedicated, searchText);
      indexes.start();
      Gifmachine app =
          new Gifmachine(config, database, feed, indexes, requestLog, server, drain, hub);
      logger.info("gifmachine listening on {}", app.baseUri());
      return app;
    } catch (RuntimeException e) {
      if (indexes != null) {
        indexes.close();
      }
      if (feed != null) {
        feed.close();
      }
      requestLog.close();
      database.close();
      throw e;
    }
  }

  private static void configure(
      JavalinConfig cfg,
      GifmachineConfig config,
      LiveHub hub,
      GifApi gifs,
      Pages pages,
      HealthApi health,
      AppMetrics metrics,
      RequestLog requestLog,
      ObjectMapper json) {
    cfg.startup.showJavalinBanner = false;
    cfg.startup.showOldJavalinVersionWarning = false;
    cfg.concurrency.useVirtualThreads = true;
    cfg.http.maxRequestSize = MAX_BODY_BYTES;
    cfg.jetty.host = config.host();
    cfg.jetty.port = config.port();
    cfg.jetty.modifyWebSocketServletFactory(ws -> ws.setIdleTimeout(Duration.ofMinutes(5)));
    // Jetty answers some requests itself (malformed, too large, a failed upgrade): in JSON too.
    JsonErrorHandler jettyErrors = new JsonErrorHandler(json);
    cfg.jetty.modifyServer(server -> server.setErrorHandler(jettyErrors));
    cfg.jetty.modifyServletContextHandler(context -> context.setErrorHandler(jettyErrors));
    cfg.requestLogger.http(
        (ctx, ms) -> {
          String route = route(ctx);
          int status = ctx.statusCode();
          metrics.observeRequest(ctx.method().name(), route, status, ms / 1000.0);
          Gif posted = ctx.attribute(GifApi.POSTED);
          if (posted != null) {
            requestLog.logPosted(ctx.method().name(), route, status, ms, posted);
          } else {
            requestLog.log(ctx.method().name(), route, status, ms);
          }
        });

    var r = cfg.routes;
    r.before(ctx -> refuseLargeBodies(ctx));
    r.before(ctx -> refuseUnstorableQueries(ctx));
    hub.routes(r);
    pages.routes(r);
    gifs.routes(r);
    health.routes(r);
    metrics.routes(r);

    r.exception(InvalidInputException.class, (e, ctx) -> error(ctx, json, 400, e.getMessage()));
    r.exception(GifApi.ForbiddenException.class, (e, ctx) -> error(ctx, json, 403, e.getMessage()));
    r.exception(
        DatabaseUnavailableException.class,
        (e, ctx) -> {
          logger.warn("{} {}: {}", ctx.method(), route(ctx), e.getMessage());
          error(ctx, json, 503, "database: unavailable, try again shortly");
        });
    r.exception(
        HttpResponseException.class,
        (e, ctx) -> {
          if (e.getStatus() == 404) {
            notFound(ctx, json, pages);
          } else if (e.getStatus() == 413) {
            error(ctx, json, 413, "body: larger than " + MAX_BODY_BYTES + " bytes");
          } else {
            error(ctx, json, e.getStatus(), e.getMessage());
          }
        });
    r.exception(
        Exception.class,
        (e, ctx) -> {
          // Jetty and Javalin signal a bad request (a multipart body without a boundary, a
          // malformed form) by exceptions that carry their status: the client's fault, not ours.
          int status = clientErrorStatus(e);
          if (status != 0) {
            error(ctx, json, status, JsonErrorHandler.message(status));
            return;
          }
          logger.error("{} {} failed", ctx.method(), route(ctx), e);
          error(ctx, json, 500, "internal error");
        });
  }

  /**
   * While draining, every response asks its client (the load balancer) to close the connection, so
   * no idle pooled connection is left to be reused when the server stops; stopping waits for
   * requests in flight (Jetty's {@link GracefulHandler}).
   */
  private static void drainGracefully(JavalinConfig cfg, Drain drain) {
    cfg.jetty.modifyServer(
        jetty -> {
          // Outermost, around whatever is there (the GET /gif fast path), so it counts every
          // request in flight and closes connections on the fast path too, which Javalin's
          // before-handlers never see; Javalin puts its servlet context inside the innermost
          // wrapper.
          Handler.Wrapper closing = new CloseWhileDraining(drain, jetty.getHandler());
          jetty.setHandler(new GracefulHandler(closing));
          jetty.setStopTimeout(STOP_GRACE.toMillis());
        });
  }

  /** Asks every client to close its connection while the instance drains. */
  private static final class CloseWhileDraining extends Handler.Wrapper {
    private final Drain drain;

    CloseWhileDraining(Drain drain, Handler inner) {
      super(inner);
      this.drain = drain;
    }

    @Override
    public boolean handle(
        org.eclipse.jetty.server.Request request,
        org.eclipse.jetty.server.Response response,
        org.eclipse.jetty.util.Callback callback)
        throws Exception {
      if (drain.draining()) {
        response.getHeaders().put(org.eclipse.jetty.http.HttpHeader.CONNECTION, "close");
      }
      return super.handle(request, response, callback);
    }
  }

  /** The 4xx status an exception or one of its causes carries, or 0. */
  private static int clientErrorStatus(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      int status =
          switch (t) {
            case HttpException http -> http.getCode();
            case HttpResponseException javalin -> javalin.getStatus();
            default -> 0;
          };
      if (status >= 400 && status <= 499) {
        return status;
      }
    }
    return 0;
  }

  private static void refuseLargeBodies(Context ctx) {
    // The header itself, not ctx.contentLength(): that is an int, and -1 above 2^31 - 1.
    String length = ctx.header("Content-Length");
    if (length != null
        && length.matches("[0-9]+")
        && (length.length() > 9 || Long.parseLong(length) > MAX_BODY_BYTES)) {
      throw new HttpResponseException(413, "body too large");
    }
  }

  /** PostgreSQL cannot store NUL in text: a query holding one is the client's mistake, a 400. */
  private static void refuseUnstorableQueries(Context ctx) {
    for (Map.Entry<String, List<String>> param : ctx.queryParamMap().entrySet()) {
      InvalidInputException.requireStorable("query parameter name", param.getKey());
      for (String value : param.getValue()) {
        InvalidInputException.requireStorable(param.getKey(), value);
      }
    }
  }

  /** Unknown routes: an HTML page for browsers, JSON for everyone else. */
  private static void notFound(Context ctx, ObjectMapper json, Pages pages) {
    String accept = ctx.header("Accept");
    if (accept != null && accept.contains("text/html")) {
      pages.notFound(ctx);
    } else {
      error(ctx, json, 404, "not found");
    }
  }

  private static void error(Context ctx, ObjectMapper json, int status, String message) {
    Map<String, String> body = new LinkedHashMap<>();
    body.put("error", message);
    byte[] bytes;
    try {
      bytes = json.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      bytes = "{\"error\":\"internal error\"}".getBytes(StandardCharsets.UTF_8);
    }
    ctx.status(status).contentType("application/json").result(bytes);
    if (ctx.header("Sec-WebSocket-Version") != null) {
      // Javalin takes a request with this header for a WebSocket upgrade; when the upgrade fails
      // (no Sec-WebSocket-Key, say) it maps the exception but never writes ctx's result.
      try {
        ctx.res().getOutputStream().write(bytes);
      } catch (IOException | IllegalStateException e) {
        logger.debug("could not answer a failed WebSocket upgrade: {}", e.toString());
      }
    }
  }

  /** The route template for logs and metrics, never the raw path: bounded label values. */
  private static String route(Context ctx) {
    Endpoint endpoint = ctx.endpoints().matchedHttpEndpoint();
    return endpoint == null ? "unmatched" : endpoint.path;
  }

  private static void startServer(Javalin server, GifmachineConfig config) {
    try {
      server.start();
    } catch (RuntimeException e) {
      server.stop();
      throw new GifmachineStartupException(
          "cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(),
          "choose another PORT, or stop whatever is using this one");
    }
  }

  public int port() {
    return server.port();
  }

  public String password() {
    return config.password();
  }

  /** {@code http://host:port/}, with loopback standing in for "all interfaces". */
  public URI baseUri() {
    String host = config.host().equals("0.0.0.0") ? "127.0.0.1" : config.host();
    return URI.create("http://" + host + ":" + port() + "/");
  }

  public GifmachineConfig config() {
    return config;
  }

  /** Pauses the calling thread: the drain period's clock seam. */
  @FunctionalInterface
  interface Pause {
    void pause(Duration duration) throws InterruptedException;
  }

  /**
   * What SIGTERM does: {@code /readyz} fails at once, everything else keeps serving for {@code
   * drainPeriod}, then every kiosk gets a close frame (1012, service restart) and the server stops
   * after its requests in flight.
   */
  public void drainAndClose(Duration drainPeriod) {
    drainAndClose(drainPeriod, duration -> Thread.sleep(duration));
  }

  void drainAndClose(Duration drainPeriod, Pause pause) {
    drain.begin();
    logger.info("draining: /readyz fails, serving {} s more", drainPeriod.toSeconds());
    try {
      pause.pause(drainPeriod);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    hub.closeAll(Drain.SERVICE_RESTART, "service restart");
    awaitSocketsClosed();
    logger.info("drained: stopping");
    close();
  }

  /** Close handshakes take a round trip; a kiosk that never answers is not waited for long. */
  private void awaitSocketsClosed() {
    long deadline = System.nanoTime() + STOP_GRACE.toNanos();
    while (hub.clientCount() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * How Jetty invokes this server's handlers: {@code NON_BLOCKING} keeps {@code GET /gif} on the
   * thread that read it ({@link LatestGifFastPath}); for the test that guards it.
   */
  org.eclipse.jetty.util.thread.Invocable.InvocationType invocationType() {
    return server.jettyServer().server().getInvocationType();
  }

  /** The database, for tests that crash its embedded server. */
  Database database() {
    return database;
  }

  @Override
  public void close() {
    server.stop();
    indexes.close();
    feed.close();
    requestLog.close();
    database.close();
  }
}
