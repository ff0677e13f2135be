package gifmachine.hook;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import gifmachine.app.Gifmachine;
import gifmachine.app.GifmachineConfig;
import gifmachine.app.db.DatabaseSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The hook's handler, called with the event ECS sends at POST_TEST_TRAFFIC_SHIFT, against a real
 * Gifmachine on a real PostgreSQL, and against the ways a green revision can be broken. Event
 * shape:
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-lifecycle-hooks.html
 */
class ValidationHookIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(2);
  private static EmbeddedPostgres postgres;
  private static Gifmachine healthy;

  @BeforeAll
  static void start() throws IOException {
    postgres = EmbeddedPostgres.builder().start();
    healthy = startOn(postgres);
  }

  @AfterAll
  static void stop() throws IOException {
    healthy.close();
    postgres.close();
  }

  private static Gifmachine startOn(EmbeddedPostgres db) {
    return Gifmachine.start(
        new GifmachineConfig(
            "127.0.0.1",
            0,
            "pw",
            false,
            DatabaseSettings.external(db.getJdbcUrl("postgres", "postgres"), "postgres", "")));
  }

  /** The event ECS sends, as the Lambda runtime hands it over: a map of the JSON. */
  private static Map<String, Object> event(Map<String, Object> hookDetails) {
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("serviceArn", "arn:aws:ecs:eu-west-1:123456789012:service/prod/gifmachine");
    event.put(
        "targetServiceRevisionArn",
        "arn:aws:ecs:eu-west-1:123456789012:service-revision/prod/gifmachine/4242");
    event.put(
        "testTrafficWeights",
        Map.of("arn:aws:ecs:eu-west-1:123456789012:service-revision/prod/gifmachine/4242", 100));
    event.put(
        "productionTrafficWeights",
        Map.of("arn:aws:ecs:eu-west-1:123456789012:service-revision/prod/gifmachine/4241", 100));
    event.put("hookDetails", hookDetails);
    return event;
  }

  private static Map<String, Object> call(String testUrl, int attempt) {
    ValidationHook hook = new ValidationHook(Map.of(), new GreenChecks(TIMEOUT));
    return hook.handleRequest(event(Map.of("testUrl", testUrl, "attempt", attempt)));
  }

  @Test
  void a_healthy_revision_passes() {
    assertThat(call(healthy.baseUri().toString(), 1)).isEqualTo(Map.of("hookStatus", "SUCCEEDED"));
  }

  @Test
  void the_test_url_may_come_from_the_functions_environment() {
    ValidationHook hook =
        new ValidationHook(
            Map.of("GIFMACHINE_TEST_URL", healthy.baseUri().toString()), new GreenChecks(TIMEOUT));

    assertThat(hook.handleRequest(event(Map.of()))).containsEntry("hookStatus", "SUCCEEDED");
  }

  @Test
  void without_a_test_url_the_hook_fails_and_says_so() {
    ValidationHook hook = new ValidationHook(Map.of(), new GreenChecks(TIMEOUT));

    assertThat(hook.handleRequest(event(Map.of())))
        .containsEntry("hookStatus", "FAILED")
        .containsEntry(
            "reason",
            "configuration: no test listener URL (hookDetails.testUrl or GIFMACHINE_TEST_URL)");
  }

  @Test
  void a_revision_whose_database_is_down_is_asked_again_then_fails_with_the_reason()
      throws IOException {
    EmbeddedPostgres own = EmbeddedPostgres.builder().start();
    try (Gifmachine app = startOn(own)) {
      own.close();

      Map<String, Object> first = call(app.baseUri().toString(), 1);
      Map<String, Object> last = call(app.baseUri().toString(), ValidationHook.MAX_ATTEMPTS);

      assertThat(first)
          .containsEntry("hookStatus", "IN_PROGRESS")
          .containsEntry("callBackDelay", ValidationHook.CALL_BACK_DELAY_SECONDS)
          .containsEntry("hookDetails", Map.of("testUrl", app.baseUri().toString(), "attempt", 2));
      assertThat(last).containsEntry("hookStatus", "FAILED");
      assertThat((String) last.get("reason"))
          .startsWith("readiness: GET /readyz answered 503")
          .contains("database: unreachable")
          .endsWith("(still after 5 attempts)");
    }
  }

  @Test
  void a_revision_that_does_not_answer_fails_with_the_reason() throws IOException {
    // Accepts connections (the kernel's backlog) and never answers: a hung JVM.
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      String url = "http://127.0.0.1:" + silent.getLocalPort() + "/";

      Map<String, Object> answer = call(url, ValidationHook.MAX_ATTEMPTS);

      assertThat(answer).containsEntry("hookStatus", "FAILED");
      assertThat((String) answer.get("reason"))
          .startsWith("readiness: no answer from " + url + ": HttpTimeoutException");
    }
  }

  @Test
  void a_revision_serving_a_broken_kiosk_page_fails_at_once_with_the_reason() throws IOException {
    HttpServer broken =
        proxyTo(
            healthy.baseUri(),
            path -> path.equals("/") ? "<html><body>Whitelabel Error Page</body></html>" : null);
    try {
      Map<String, Object> answer = call(url(broken), 1);

      assertThat(answer).containsEntry("hookStatus", "FAILED");
      assertThat((String) answer.get("reason"))
          .isEqualTo(
              "kiosk page: GET / answered 200 without the kiosk markup and its script:"
                  + " <html><body>Whitelabel Error Page</body></html>");
    } finally {
      broken.stop(0);
    }
  }

  @Test
  void a_revision_behind_something_that_does_not_upgrade_websockets_fails_with_the_reason()
      throws IOException {
    // Serves every page of the real app, but a WebSocket handshake gets the page too.
    HttpServer noUpgrade = proxyTo(healthy.baseUri(), path -> null);
    try {
      Map<String, Object> answer = call(url(noUpgrade), 1);

      assertThat(answer)
          .containsEntry("hookStatus", "FAILED")
          .containsEntry("reason", "WebSocket: GET / did not upgrade, answered 200");
    } finally {
      noUpgrade.stop(0);
    }
  }

  private static String url(HttpServer server) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  /**
   * A plain HTTP server in front of {@code app}: GETs are passed on, except where {@code override}
   * gives a body for the path. It cannot upgrade connections to WebSockets.
   */
  private static HttpServer proxyTo(URI app, Function<String, String> override) throws IOException {
    HttpClient client = HttpClient.newHttpClient();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String path = exchange.getRequestURI().getPath();
          String replaced = override.apply(path);
          if (replaced != null) {
            respond(exchange, 200, replaced);
            return;
          }
          try {
            HttpResponse<String> upstream =
                client.send(
                    HttpRequest.newBuilder(app.resolve(exchange.getRequestURI().toString()))
                        .header(
                            "Accept",
                            String.valueOf(exchange.getRequestHeaders().getFirst("Accept")))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
            respond(exchange, upstream.statusCode(), upstream.body());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            respond(exchange, 502, "interrupted");
          }
        });
    server.start();
    return server;
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }
}
