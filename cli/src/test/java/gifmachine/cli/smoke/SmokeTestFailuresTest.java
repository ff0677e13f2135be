package gifmachine.cli.smoke;

import gifmachine.cli.testing.FreePorts;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import gifmachine.cli.smoke.SmokeReport.Status;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The smoke test against a small JDK HTTP server that answers wrongly in each way a broken
 * deployment can: every failure names the check and says why, and the password never appears.
 */
class SmokeTestFailuresTest {

  static final String SECRET = "s3cret-api-password";

  HttpServer server;
  final List<String> postBodies = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private URI serve(int healthStatus, int postStatus, String latestGif, Duration healthDelay) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/healthz", exchange -> {
      sleep(healthDelay);
      respond(exchange, healthStatus, "{\"status\":\"ok\"}");
    });
    server.createContext("/gif", exchange -> {
      if (exchange.getRequestMethod().equals("POST")) {
        postBodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        respond(exchange, postStatus, postStatus == 403 ? "{\"error\":\"secret: wrong\"}" : "{}");
      } else {
        respond(exchange, 200, latestGif);
      }
    });
    // No WebSocket support: GET / with an Upgrade header gets a plain page.
    server.createContext("/", exchange -> respond(exchange, 200, "<html>kiosk</html>"));
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void assertNoSecret(SmokeReport report) {
    assertThat(report.render()).doesNotContain(SECRET);
    assertThat(report.toString()).doesNotContain(SECRET);
  }

  @Test
  void an_unhealthy_service_fails_the_health_check_and_runs_nothing_else() throws Exception {
    URI url = serve(503, 200, "{}", Duration.ZERO);

    SmokeReport report = SmokeTest.run(url, SECRET, Duration.ofSeconds(5));

    assertThat(report.passed()).isFalse();
    assertThat(report.firstFailure()).hasValueSatisfying(check -> {
      assertThat(check.name()).isEqualTo("healthz");
      assertThat(check.detail()).startsWith("GET /healthz answered 503 (expected 200)");
    });
    assertThat(report.checks().subList(1, report.checks().size())).hasSize(4).allMatch(check -> check.status() == Status.NOT_RUN);
    assertThat(postBodies).isEmpty();
  }

  @Test
  void nothing_listening_fails_with_cannot_connect() throws Exception {
    int port = FreePorts.loopback();

    SmokeReport report = SmokeTest.run(URI.create("http://127.0.0.1:" + port), SECRET, Duration.ofSeconds(5));

    assertThat(report.firstFailure()).hasValueSatisfying(check ->
        assertThat(check.detail()).contains("cannot connect"));
  }

  @Test
  void posting_with_a_wrong_secret_fails_clearly_without_showing_the_secret() throws Exception {
    URI url = serve(200, 403, "{}", Duration.ZERO);

    SmokeReport report = SmokeTest.run(url, SECRET, Duration.ofSeconds(5));

    assertThat(report.firstFailure()).hasValueSatisfying(check -> {
      assertThat(check.name()).isEqualTo("websocket open");
      assertThat(check.detail()).contains("the WebSocket on / was refused (HTTP 200)");
    });
    assertThat(report.checks()).filteredOn(check -> check.name().equals("post gif")).singleElement()
        .satisfies(check -> {
          assertThat(check.status()).isEqualTo(Status.FAILED);
          assertThat(check.detail()).startsWith("POST /gif answered 403: the API password was refused");
        });
    assertThat(postBodies).singleElement().asString().contains("secret=" + SECRET).contains("meme_bottom=smoke-");
    assertNoSecret(report);
  }

  @Test
  void a_gif_that_never_comes_back_fails_the_read_back_within_the_timeout() throws Exception {
    URI url = serve(200, 200, "{\"type\":\"gif\",\"meme_bottom\":\"something else\"}", Duration.ZERO);

    long start = System.nanoTime();
    SmokeReport report = SmokeTest.run(url, SECRET, Duration.ofSeconds(2));

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(6));
    assertThat(report.checks()).filteredOn(check -> check.name().equals("read back")).singleElement()
        .satisfies(check -> assertThat(check.detail()).startsWith("GET /gif never returned the posted gif (smoke-")
            .contains("something else"));
    assertThat(report.render()).contains("FAILED").contains("read back");
    assertNoSecret(report);
  }

  @Test
  void a_service_that_does_not_answer_in_time_fails_with_no_answer_in_time() throws Exception {
    URI url = serve(200, 200, "{}", Duration.ofSeconds(3));

    SmokeReport report = SmokeTest.run(url, SECRET, Duration.ofMillis(500));

    assertThat(report.firstFailure()).hasValueSatisfying(check -> {
      assertThat(check.name()).isEqualTo("healthz");
      assertThat(check.detail()).isEqualTo("no answer in time");
    });
  }

  @Test
  void websocket_uris_follow_the_scheme() {
    assertThat(SmokeTest.webSocketUri(URI.create("http://lb.example.com/"))).hasToString("ws://lb.example.com/");
    assertThat(SmokeTest.webSocketUri(URI.create("https://lb.example.com:8443/"))).hasToString("wss://lb.example.com:8443/");
  }
}
