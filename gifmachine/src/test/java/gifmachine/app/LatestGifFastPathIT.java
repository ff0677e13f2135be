package gifmachine.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.util.thread.Invocable.InvocationType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@code GET /gif}, answered in front of the servlet layer, says exactly what the Javalin route
 * says ({@code /gif/} still goes there) and is logged and counted like every other request.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LatestGifFastPathIT {
  private final ByteArrayOutputStream requestLog = new ByteArrayOutputStream();
  private Gifmachine app;
  private Clients clients;

  @BeforeAll
  void start() {
    app =
        Gifmachine.start(
            new GifmachineConfig("127.0.0.1", 0, "s3cret", false, TestPostgres.newDatabase()),
            requestLog);
    clients = new Clients(app.baseUri());
  }

  @AfterAll
  void stop() {
    app.close();
  }

  @Test
  void the_fast_answer_equals_the_route_s_answer_before_and_after_a_post() {
    assertSameAnswer(clients.get("/gif"), clients.get("/gif/"));
    clients.postForm(
        "/gif",
        Map.of("url", "https://example.com/ü.gif", "meme_top", "\"quoted\"", "secret", "s3cret"));
    HttpResponse<String> fast = clients.get("/gif");
    assertThat(fast.body()).contains("ü.gif", "\\\"quoted\\\"");
    assertSameAnswer(fast, clients.get("/gif/"));
    assertSameAnswer(clients.get("/gif?cache=bust"), clients.get("/gif/"));
  }

  @Test
  void the_fast_answer_is_counted_and_logged_under_its_route() {
    double before = count(clients.get("/metrics").body());
    clients.get("/gif");
    clients.get("/gif");
    assertThat(count(clients.get("/metrics").body())).isEqualTo(before + 2);
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(requestLog.toString(StandardCharsets.UTF_8))
                    .contains("\"method\":\"GET\",\"route\":\"/gif\",\"status\":200"));
  }

  @Test
  void other_methods_and_paths_still_reach_the_routes() {
    assertThat(clients.postForm("/gif", Map.of("secret", "wrong")).statusCode()).isEqualTo(403);
    assertThat(clients.get("/gifs").statusCode()).isEqualTo(404);
    assertThat(clients.get("/healthz").statusCode()).isEqualTo(200);
  }

  @Test
  void jetty_answers_it_on_the_thread_that_read_it_and_hands_the_rest_to_the_pool() {
    // A handler that may block anywhere in the chain would make Jetty hand every request, GET
    // /gif included, to another thread again: the fast path's main saving.
    assertThat(app.invocationType()).isEqualTo(InvocationType.NON_BLOCKING);
    // What the pool runs still answers, body and all.
    assertThat(clients.get("/history").statusCode()).isEqualTo(200);
    assertThat(
            clients
                .postForm("/gif", Map.of("url", "https://example.com/pool.gif", "secret", "s3cret"))
                .statusCode())
        .isEqualTo(200);
  }

  private static void assertSameAnswer(HttpResponse<String> fast, HttpResponse<String> route) {
    assertThat(fast.statusCode()).isEqualTo(200).isEqualTo(route.statusCode());
    assertThat(fast.body()).isEqualTo(route.body());
    for (String header : new String[] {"content-type", "content-length", "cache-control"}) {
      assertThat(fast.headers().firstValue(header))
          .as(header)
          .isEqualTo(route.headers().firstValue(header));
    }
  }

  private static double count(String metrics) {
    Matcher m =
        Pattern.compile(
                "gifmachine_http_requests_total\\{method=\"GET\",route=\"/gif\",status=\"200\"\\}"
                    + " ([0-9.eE+]+)")
            .matcher(metrics);
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }
}
