package gifmachine.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What SIGTERM does to one instance, with the drain period driven by the test (a latch stands in
 * for the clock): readiness fails first, everything else keeps serving, kiosks get a close frame.
 * The load-balancer view of the same is {@code ZeroDowntimeIT}.
 */
class DrainIT {

  @Test
  void draining_fails_readiness_at_once_keeps_serving_then_closes_kiosks_with_1012()
      throws Exception {
    Gifmachine app =
        Gifmachine.start(
            new GifmachineConfig("127.0.0.1", 0, "pw", false, TestPostgres.newDatabase()));
    Clients clients = new Clients(app.baseUri());
    Clients.Socket kiosk = clients.socket();
    kiosk.next(10);
    CountDownLatch drainPeriodOver = new CountDownLatch(1);
    CountDownLatch draining = new CountDownLatch(1);
    CompletableFuture<Void> stopped =
        CompletableFuture.runAsync(
            () ->
                app.drainAndClose(
                    Duration.ofSeconds(50),
                    period -> {
                      assertThat(period).isEqualTo(Duration.ofSeconds(50));
                      draining.countDown();
                      drainPeriodOver.await();
                    }));
    assertThat(draining.await(10, TimeUnit.SECONDS)).isTrue();

    HttpResponse<String> ready = clients.get("/readyz");
    assertThat(ready.statusCode()).isEqualTo(503);
    assertThat(ready.body()).contains("\"status\":\"draining\"");
    HttpResponse<String> posted =
        clients.postForm(
            "/gif",
            Map.of(
                "url",
                "https://example.com/a.gif",
                "who",
                "t",
                "meme_top",
                "still here",
                "meme_bottom",
                "",
                "secret",
                "pw"));
    assertThat(posted.statusCode()).isEqualTo(200);
    // Pooled connections to a draining instance are not kept for reuse.
    assertThat(posted.headers().firstValue("Connection")).hasValue("close");
    // GET /gif is served by the Jetty fast path, outside Javalin: it closes connections too.
    assertThat(clients.get("/gif").headers().firstValue("Connection")).hasValue("close");
    assertThat(kiosk.nextContaining("still here", 10)).contains("a.gif");
    assertThat(clients.get("/healthz").statusCode()).isEqualTo(200);
    assertThat(kiosk.closeCode).isNotDone();

    drainPeriodOver.countDown();

    assertThat(kiosk.closeCode.get(10, TimeUnit.SECONDS)).isEqualTo(1012);
    stopped.get(20, TimeUnit.SECONDS);
  }
}
