package gifmachine.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import gifmachine.app.db.DatabaseSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Two Gifmachine processes on one PostgreSQL behind haproxy; load of GETs and POSTs through the
 * proxy and kiosks on both instances; instance A gets SIGTERM while the load runs. Reports what
 * clients saw, for {@link ZeroDowntimeIT} to judge and {@code bench/drain} to compare with the
 * Gifmachine before draining.
 */
final class ZeroDowntimeScenario {
  static final String SECRET = "zero-downtime";

  /** GET and POST workers: bounded, each stops after this many requests at the latest. */
  static final int GETTERS = 4;

  static final int POSTERS = 2;
  static final int MAX_REQUESTS_PER_WORKER = 20_000;

  /** Requests through the proxy before SIGTERM, and again after A has exited. */
  static final int WARM_REQUESTS = 200;

  static final int KIOSKS_BEFORE_B = 3;
  static final int KIOSKS_AFTER_B = 4;

  /** The smallest valid GIF, so Chromium really loads the image it is sent. */
  private static final byte[] PIXEL =
      Base64.getDecoder().decode("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==");

  /** What the clients of the proxy saw. */
  record Result(
      int getsOk,
      int getsFailed,
      int postsOk,
      int postsFailed,
      List<String> failureSamples,
      int kiosksOnA,
      int kiosksClosedWithFrame,
      List<Integer> closeCodes,
      int kiosksCutWithoutFrame,
      int kiosksOnBUntouched,
      int kiosksWithNextGif,
      int kiosksTotal,
      int kiosksOnBAtEnd,
      int acknowledgedMissing,
      boolean chromiumShowedNextGif,
      Duration sigtermToExit,
      int exitCode) {}

  /** How to start one instance from its environment; returns once it serves. */
  interface Launcher {
    AppProcess launch(Map<String, String> env) throws Exception;
  }

  private final Launcher launcher;
  private final Duration drain;
  private final boolean withChromium;
  private final Path dir;

  ZeroDowntimeScenario(Launcher launcher, Duration drain, boolean withChromium, Path dir) {
    this.launcher = launcher;
    this.drain = drain;
    this.withChromium = withChromium;
    this.dir = dir;
  }

  private final long started = System.nanoTime();

  /** Phases on stdout with their time since the start: where the test's time goes. */
  private void phase(String what) {
    System.out.printf(
        "zero-downtime %6d ms  %s%n", (System.nanoTime() - started) / 1_000_000, what);
  }

  Result run() throws Exception {
    Files.createDirectories(dir);
    DatabaseSettings db = TestPostgres.newDatabase();
    String jdbc = ((DatabaseSettings.External) db).jdbcUrl();
    Map<String, String> env =
        Map.of(
            "DATABASE_URL",
            jdbc + (jdbc.contains("?") ? "&" : "?") + "user=postgres",
            "GIFMACHINE_PASSWORD",
            SECRET,
            "GIFMACHINE_DRAIN_SECONDS",
            Long.toString(drain.toSeconds()));
    HttpServer images = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    images.createContext(
        "/",
        exchange -> {
          exchange.getResponseHeaders().add("Content-Type", "image/gif");
          exchange.sendResponseHeaders(200, PIXEL.length);
          exchange.getResponseBody().write(PIXEL);
          exchange.close();
        });
    images.start();
    String imageBase = "http://127.0.0.1:" + images.getAddress().getPort() + "/";
    List<AutoCloseable> toClose = new ArrayList<>();
    try {
      // One after the other, as ECS starts a new task beside a running one: the second finds
      // the database migrated.
      AppProcess a = launcher.launch(env);
      toClose.add(a);
      Clients onA = new Clients(a.base());
      AppProcess b = launcher.launch(env);
      toClose.add(b);
      Clients onB = new Clients(b.base());
      phase("both instances serving");
      Haproxy proxy =
          Haproxy.start(Map.of("a", a.base().getPort(), "b", b.base().getPort()), Set.of("b"), dir);
      toClose.add(proxy);
      await().atMost(Duration.ofSeconds(10)).until(() -> proxy.status("a").equals("UP"));
      URI front = URI.create("http://127.0.0.1:" + proxy.port() + "/");
      Clients viaProxy = new Clients(front);
      assertThat(post(viaProxy, imageBase + "first.gif", "first").statusCode()).isEqualTo(200);

      // Kiosks on A only while B is in maintenance, then on both (round robin).
      HeadlessChromium chromium = null;
      if (withChromium) {
        chromium = HeadlessChromium.open(front, dir.resolve("chromium.log"));
        toClose.add(chromium);
        await().atMost(Duration.ofSeconds(30)).until(() -> kiosksOn(onA) == 1);
      }
      List<Clients.Socket> kiosks = new CopyOnWriteArrayList<>();
      for (int i = 0; i < KIOSKS_BEFORE_B; i++) {
        kiosks.add(viaProxy.socket());
      }
      proxy.enable("b");
      await().atMost(Duration.ofSeconds(10)).until(() -> proxy.status("b").equals("UP"));
      for (int i = 0; i < KIOSKS_AFTER_B; i++) {
        kiosks.add(viaProxy.socket());
      }
      int browsers = withChromium ? 1 : 0;
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> kiosksOn(onA) + kiosksOn(onB) == kiosks.size() + browsers);
      int kiosksOnA = kiosksOn(onA);
      phase("kiosks connected: " + kiosksOnA + " on A");

      Load load = new Load(front, imageBase);
      load.start();
      await().atMost(Duration.ofSeconds(60)).until(() -> load.ok() >= WARM_REQUESTS);
      phase("load running; SIGTERM to A");
      long stopAt = System.nanoTime();
      a.terminate();
      int exitCode = a.awaitExit(drain.plus(Duration.ofSeconds(30)));
      Duration sigtermToExit = Duration.ofNanos(System.nanoTime() - stopAt);
      phase("A exited with " + exitCode);
      int okAtExit = load.ok();
      await().atMost(Duration.ofSeconds(60)).until(() -> load.ok() >= okAtExit + WARM_REQUESTS);
      load.stop();
      phase("load stopped");

      // Kiosks whose instance went away reconnect through the proxy, as the kiosk page does.
      int closedWithFrame = 0;
      int cut = 0;
      int untouched = 0;
      List<Integer> codes = new ArrayList<>();
      List<Clients.Socket> connected = new ArrayList<>();
      for (Clients.Socket kiosk : kiosks) {
        // 1006 is what the client reports when the connection ended without a close frame.
        boolean framed = kiosk.closeCode.isDone() && kiosk.closeCode.join() != 1006;
        if (framed) {
          closedWithFrame++;
          codes.add(kiosk.closeCode.join());
          connected.add(viaProxy.socket());
        } else if (kiosk.closeCode.isDone() || kiosk.error.isDone()) {
          cut++;
          connected.add(viaProxy.socket());
        } else {
          untouched++;
          connected.add(kiosk);
        }
      }
      try {
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> kiosksOn(onB) == kiosks.size() + browsers);
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        // Reported below: a kiosk whose connection died silently is neither closed nor
        // reconnected (what happened before draining).
      }
      String next = "next after the switch";
      assertThat(post(viaProxy, imageBase + "next.gif", next).statusCode()).isEqualTo(200);
      int withNext = 0;
      for (Clients.Socket kiosk : connected) {
        try {
          kiosk.nextContaining(next, 10);
          withNext++;
        } catch (AssertionError e) {
          // counted as a kiosk without the next gif
        }
      }
      phase("kiosks checked");
      boolean chromiumShowedNext = false;
      if (chromium != null) {
        HeadlessChromium page = chromium;
        String probe =
            "document.getElementById('meme-top').textContent + '|'"
                + " + document.getElementById('gif').src";
        try {
          await()
              .atMost(Duration.ofSeconds(20))
              .pollInterval(Duration.ofMillis(200))
              .until(() -> page.evaluate(probe).equals(next + "|" + imageBase + "next.gif"));
          chromiumShowedNext = true;
        } catch (org.awaitility.core.ConditionTimeoutException e) {
          chromiumShowedNext = false;
        }
      }
      return new Result(
          load.getsOk.get(),
          load.getsFailed.get(),
          load.postsOk.get(),
          load.postsFailed.get(),
          List.copyOf(load.failures),
          kiosksOnA,
          closedWithFrame,
          codes,
          cut,
          untouched,
          withNext,
          kiosks.size(),
          kiosksOn(onB),
          missing(jdbc, load.acknowledged),
          chromiumShowedNext,
          sigtermToExit,
          exitCode);
    } finally {
      for (int i = toClose.size() - 1; i >= 0; i--) {
        toClose.get(i).close();
      }
      images.stop(0);
    }
  }

  private static final Pattern CLIENTS =
      Pattern.compile("(?m)^gifmachine_websocket_clients (\\S+)");

  private static int kiosksOn(Clients instance) {
    Matcher m = CLIENTS.matcher(instance.get("/metrics").body());
    return m.find() ? (int) Double.parseDouble(m.group(1)) : -1;
  }

  private static HttpResponse<String> post(Clients clients, String url, String top) {
    return clients.postForm(
        "/gif",
        Map.of("url", url, "who", "test", "meme_top", top, "meme_bottom", "", "secret", SECRET));
  }

  /** How many acknowledged gifs the database does not have. */
  private static int missing(String jdbc, Set<String> acknowledged) throws Exception {
    Set<String> stored = new HashSet<>();
    try (Connection c = DriverManager.getConnection(jdbc, "postgres", "");
        Statement s = c.createStatement();
        ResultSet rows = s.executeQuery("SELECT url FROM gifs")) {
      while (rows.next()) {
        stored.add(rows.getString(1));
      }
    }
    return (int) acknowledged.stream().filter(url -> !stored.contains(url)).count();
  }

  /** GET /gif and POST /gif workers on virtual threads through the proxy, bounded in count. */
  private static final class Load {
    final AtomicInteger getsOk = new AtomicInteger();
    final AtomicInteger getsFailed = new AtomicInteger();
    final AtomicInteger postsOk = new AtomicInteger();
    final AtomicInteger postsFailed = new AtomicInteger();
    final Set<String> acknowledged = java.util.concurrent.ConcurrentHashMap.newKeySet();
    final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final ExecutorService workers = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final URI front;
    private final String imageBase;

    Load(URI front, String imageBase) {
      this.front = front;
      this.imageBase = imageBase;
    }

    int ok() {
      return getsOk.get() + postsOk.get();
    }

    void start() {
      for (int w = 0; w < GETTERS; w++) {
        workers.submit(
            () ->
                loop(
                    n -> HttpRequest.newBuilder(front.resolve("/gif")).GET(),
                    getsOk,
                    getsFailed,
                    null));
      }
      for (int w = 0; w < POSTERS; w++) {
        String worker = "w" + w;
        workers.submit(
            () ->
                loop(
                    n -> {
                      String url = imageBase + worker + "-" + n + ".gif";
                      String body =
                          "url="
                              + URLEncoder.encode(url, StandardCharsets.UTF_8)
                              + "&who=load&meme_top="
                              + n
                              + "&meme_bottom=&secret="
                              + SECRET;
                      return HttpRequest.newBuilder(front.resolve("/gif"))
                          .header("Content-Type", "application/x-www-form-urlencoded")
                          .header("X-Url", url)
                          .POST(HttpRequest.BodyPublishers.ofString(body));
                    },
                    postsOk,
                    postsFailed,
                    acknowledged));
      }
    }

    private void loop(
        Function<Integer, HttpRequest.Builder> request,
        AtomicInteger ok,
        AtomicInteger failed,
        Set<String> acknowledgedUrls) {
      for (int n = 0; n < MAX_REQUESTS_PER_WORKER && running.get(); n++) {
        HttpRequest built = request.apply(n).timeout(Duration.ofSeconds(10)).build();
        try {
          HttpResponse<String> response = http.send(built, HttpResponse.BodyHandlers.ofString());
          if (response.statusCode() == 200) {
            ok.incrementAndGet();
            if (acknowledgedUrls != null) {
              acknowledgedUrls.add(built.headers().firstValue("X-Url").orElseThrow());
            }
          } else {
            fail(failed, built.method() + " " + response.statusCode() + " " + response.body());
          }
        } catch (IOException e) {
          fail(failed, built.method() + " " + e);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }

    private void fail(AtomicInteger failed, String what) {
      if (failed.incrementAndGet() <= 5) {
        failures.add(what.length() > 200 ? what.substring(0, 200) : what);
      }
    }

    void stop() throws InterruptedException {
      running.set(false);
      workers.shutdown();
      assertThat(workers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }
  }
}
