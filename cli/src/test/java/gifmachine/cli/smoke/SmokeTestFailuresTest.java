package gifmachine.cli.smoke;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import gifmachine.cli.smoke.SmokeReport.Status;
import gifmachine.cli.testing.FreePorts;
import io.javalin.Javalin;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The smoke test against a small Javalin server that answers wrongly in each way a broken
 * deployment can: every failure names the check and says why, and the password never appears.
 */
class SmokeTestFailuresTest {

  static final String SECRET = "s3cret-api-password";

  Javalin server;
  final List<String> postBodies = new CopyOnWriteArrayList<>();
  final AtomicInteger gifReads = new AtomicInteger();

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop();
    }
  }

  /**
   * A server whose / is a plain page and never a WebSocket: a load balancer that does not upgrade.
   */
  private URI serve(int healthStatus, int postStatus, String latestGif, Duration healthDelay) {
    return serve(healthStatus, postStatus, latestGif, healthDelay, false);
  }

  private URI serve(
      int healthStatus, int postStatus, String latestGif, Duration healthDelay, boolean webSocket) {
    server =
        Javalin.create(
                cfg -> {
                  cfg.startup.showJavalinBanner = false;
                  cfg.startup.showOldJavalinVersionWarning = false;
                  cfg.jetty.host = "127.0.0.1";
                  cfg.jetty.port = 0;
                  var r = cfg.routes;
                  r.get(
                      "/healthz",
                      ctx -> {
                        sleep(healthDelay);
                        ctx.status(healthStatus).result("{\"status\":\"ok\"}");
                      });
                  r.post(
                      "/gif",
                      ctx -> {
                        postBodies.add(ctx.body());
                        ctx.status(postStatus)
                            .result(postStatus == 403 ? "{\"error\":\"secret: wrong\"}" : "{}");
                      });
                  r.get(
                      "/gif",
                      ctx -> {
                        gifReads.incrementAndGet();
                        ctx.result(latestGif);
                      });
                  if (webSocket) {
                    r.ws("/", ws -> ws.onConnect(ctx -> ctx.enableAutomaticPings()));
                  }
                  r.get("/", ctx -> ctx.html("<html>kiosk</html>"));
                })
            .start();
    return URI.create("http://127.0.0.1:" + server.port());
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
    assertThat(report.firstFailure())
        .hasValueSatisfying(
            check -> {
              assertThat(check.name()).isEqualTo("healthz");
              assertThat(check.detail()).startsWith("GET /healthz answered 503 (expected 200)");
            });
    assertThat(report.checks().subList(1, report.checks().size()))
        .hasSize(4)
        .allMatch(check -> check.status() == Status.NOT_RUN);
    assertThat(postBodies).isEmpty();
  }

  @Test
  void nothing_listening_fails_with_cannot_connect() throws Exception {
    int port = FreePorts.loopback();

    SmokeReport report =
        SmokeTest.run(URI.create("http://127.0.0.1:" + port), SECRET, Duration.ofSeconds(5));

    assertThat(report.firstFailure())
        .hasValueSatisfying(check -> assertThat(check.detail()).contains("cannot connect"));
  }

  @Test
  void posting_with_a_wrong_secret_fails_the_post_clearly_without_showing_the_secret() {
    URI url = serve(200, 403, "{}", Duration.ZERO, true);

    SmokeReport report = SmokeTest.run(url, SECRET, Duration.ofSeconds(5));

    assertThat(report.checks())
        .extracting(SmokeReport.Check::name, SmokeReport.Check::status)
        .startsWith(tuple("healthz", Status.PASSED), tuple("websocket open", Status.PASSED));
    assertThat(report.firstFailure())
        .hasValueSatisfying(
            check -> {
              assertThat(check.name()).isEqualTo("post gif");
              assertThat(check.detail())
                  .startsWith("POST /gif answered 403: the API password was refused");
            });
    assertThat(report.checks())
        .filteredOn(check -> check.name().equals("read back"))
        .singleElement()
        .extracting(SmokeReport.Check::status)
        .isEqualTo(Status.NOT_RUN);
    assertThat(postBodies)
        .singleElement()
        .asString()
        .contains("secret=" + SECRET)
        .contains("meme_bottom=smoke-");
    assertThat(gifReads).as("nothing is read back after a refused post").hasValue(0);
    assertNoSecret(report);
  }

  @Test
  void a_load_balancer_that_does_not_upgrade_fails_the_websocket_open_and_still_tries_the_post() {
    URI url = serve(200, 200, "{}", Duration.ZERO);

    SmokeReport report = SmokeTest.run(url, SECRET, Duration.ofSeconds(2));

    assertThat(report.firstFailure())
        .hasValueSatisfying(
            check -> {
              assertThat(check.name()).isEqualTo("websocket open");
              assertThat(check.detail())
                  .startsWith("the WebSocket on / was refused (HTTP ")
                  .endsWith("the load balancer or the app does not upgrade / to a WebSocket");
            });
    assertThat(postBodies).hasSize(1);
    assertThat(report.checks())
        .filteredOn(check -> check.name().equals("websocket receive"))
        .singleElement()
        .satisfies(check -> assertThat(check.detail()).isEqualTo("the WebSocket did not open"));
  }

  @Test
  void a_gif_that_never_comes_back_fails_the_read_back_after_polling_until_the_time_is_up() {
    URI url =
        serve(200, 200, "{\"type\":\"gif\",\"meme_bottom\":\"something else\"}", Duration.ZERO);

    SmokeReport report = SmokeTest.run(url, SECRET, Duration.ofSeconds(2));

    assertThat(report.checks())
        .filteredOn(check -> check.name().equals("read back"))
        .singleElement()
        .satisfies(
            check ->
                assertThat(check.detail())
                    .startsWith("GET /gif never returned the posted gif (smoke-")
                    .contains("something else"));
    assertThat(gifReads.get())
        .as("it asked again while time was left, as behind a load balancer")
        .isGreaterThan(1);
    assertThat(report.render()).contains("FAILED").contains("read back");
    assertNoSecret(report);
  }

  @Test
  void a_service_that_does_not_answer_in_time_fails_with_no_answer_in_time() throws Exception {
    URI url = serve(200, 200, "{}", Duration.ofSeconds(3));

    SmokeReport report = SmokeTest.run(url, SECRET, Duration.ofMillis(500));

    assertThat(report.firstFailure())
        .hasValueSatisfying(
            check -> {
              assertThat(check.name()).isEqualTo("healthz");
              assertThat(check.detail()).isEqualTo("no answer in time");
            });
  }

  @Test
  void websocket_uris_follow_the_scheme() {
    assertThat(SmokeTest.webSocketUri(URI.create("http://lb.example.com/")))
        .hasToString("ws://lb.example.com/");
    assertThat(SmokeTest.webSocketUri(URI.create("https://lb.example.com:8443/")))
        .hasToString("wss://lb.example.com:8443/");
  }
}
