package gifmachine.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Requests an attacker (or a broken client) sends, over a raw socket where the JDK client would
 * refuse to: every one gets a 4xx with the API's JSON error body, never a 500 or an HTML page, and
 * none can grow the metrics.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileRequestsIT {
  private static final String SECRET = "pw";

  private Gifmachine app;
  private Clients clients;

  @BeforeAll
  void start() {
    app =
        Gifmachine.start(
            new GifmachineConfig("127.0.0.1", 0, SECRET, false, TestPostgres.newDatabase()),
            new ByteArrayOutputStream());
    clients = new Clients(app.baseUri());
  }

  @AfterAll
  void stop() {
    app.close();
  }

  /** A parsed raw HTTP/1.1 response. */
  record Raw(int status, String head, String body) {}

  /** Sends {@code request} as it is and reads the response until the server closes. */
  private Raw raw(String request) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", app.port()), 5_000);
      socket.setSoTimeout(20_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      socket.shutdownOutput();
      InputStream in = socket.getInputStream();
      String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      int split = response.indexOf("\r\n\r\n");
      String head = split < 0 ? response : response.substring(0, split);
      String body = split < 0 ? "" : response.substring(split + 4);
      return new Raw(Integer.parseInt(head.substring(9, 12)), head, body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Stream<Arguments> malformed() {
    String a10k = "a".repeat(10_000);
    return Stream.of(
        Arguments.of(
            "multipart without a boundary on /gif",
            "POST /gif HTTP/1.1\r\nHost: t\r\nContent-Type: multipart/form-data\r\n"
                + "Content-Length: 5\r\nConnection: close\r\n\r\nhello",
            400),
        Arguments.of(
            "multipart without a boundary on /reload",
            "POST /reload HTTP/1.1\r\nHost: t\r\nContent-Type: multipart/form-data\r\n"
                + "Content-Length: 5\r\nConnection: close\r\n\r\nhello",
            400),
        Arguments.of(
            "a WebSocket upgrade without Sec-WebSocket-Key",
            "GET / HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n",
            400),
        Arguments.of(
            "a WebSocket upgrade on a path without a socket",
            "GET /nowhere HTTP/1.1\r\nHost: t\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
            404),
        Arguments.of(
            "a malformed chunk size",
            "POST /gif HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\nzz\r\nurl=x\r\n0\r\n\r\n",
            400),
        Arguments.of(
            "a control character in the request line",
            "GET /\u0001 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
            400),
        Arguments.of(
            "a URI longer than the header buffer",
            "GET /" + a10k + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
            414),
        Arguments.of(
            "a header larger than the header buffer",
            "GET / HTTP/1.1\r\nHost: t\r\nX-Big: " + a10k + "\r\nConnection: close\r\n\r\n",
            431),
        Arguments.of(
            "an HTTP version that does not exist",
            "GET / HTTP/1.7\r\nHost: t\r\nConnection: close\r\n\r\n",
            505),
        Arguments.of(
            "a Content-Length above 2^31",
            "POST /gif HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: 2147483649\r\nConnection: close\r\n\r\nurl=x",
            413),
        Arguments.of(
            "a Content-Length of 99,999,999,999",
            "POST /gif HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
                + "Content-Length: 99999999999\r\nConnection: close\r\n\r\n{}",
            413));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void malformed_requests_get_a_4xx_with_a_json_error(String what, String request, int status) {
    Raw response = raw(request);

    assertThat(response.status()).as(response.head()).isEqualTo(status);
    assertThat(response.head()).containsIgnoringCase("Content-Type: application/json");
    assertThat(response.body()).matches("\\{\"error\":\"[^\"]+\"}");
  }

  static Stream<Arguments> unstorable() {
    return Stream.of(
        Arguments.of(
            form("url=https%3A%2F%2Fexample.com%2Fa.gif&who=a%00b&secret=" + SECRET),
            "{\"error\":\"who: contains a NUL character\"}"),
        Arguments.of(
            json(
                "{\"url\":\"https://example.com/a.gif\",\"meme_top\":\"\\u0000\",\"secret\":\""
                    + SECRET
                    + "\"}"),
            "{\"error\":\"meme_top: contains a NUL character\"}"),
        Arguments.of(
            json(
                "{\"url\":\"https://example.com/a.gif\",\"meme_bottom\":\"\\ud800\",\"secret\":\""
                    + SECRET
                    + "\"}"),
            "{\"error\":\"meme_bottom: is not valid Unicode (a lone surrogate)\"}"),
        Arguments.of(
            form("url=https%3A%2F%2Fexample.com%2Fa%00.gif&secret=" + SECRET),
            "{\"error\":\"url: contains a NUL character\"}"));
  }

  private static HttpRequest.Builder form(String body) {
    return HttpRequest.newBuilder()
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body));
  }

  private static HttpRequest.Builder json(String body) {
    return HttpRequest.newBuilder()
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
  }

  @ParameterizedTest
  @MethodSource("unstorable")
  void text_postgresql_cannot_store_is_a_400_naming_the_field(
      HttpRequest.Builder request, String error) {
    var response = clients.send(request.uri(app.baseUri().resolve("/gif")));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).isEqualTo(error);
  }

  @Test
  void a_nul_in_a_search_query_is_a_400_naming_the_parameter() {
    var response = clients.get("/search?query=%00");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).isEqualTo("{\"error\":\"query: contains a NUL character\"}");
  }

  @Test
  void ids_are_ascii_digits_only() {
    var posted =
        clients.postForm(
            "/gif", java.util.Map.of("url", "https://example.com/one.gif", "secret", SECRET));
    assertThat(posted.statusCode()).isEqualTo(200);

    // A full-width digit one, which Long.parseLong reads as 1.
    assertThat(clients.get("/view/%EF%BC%91").statusCode()).isEqualTo(404);
    assertThat(clients.get("/view/1").statusCode()).isEqualTo(200);
  }

  @Test
  void a_field_given_twice_counts_by_its_last_value_in_forms_and_json_alike() {
    var form =
        clients.send(
            form("url=https%3A%2F%2Fexample.com%2Ffirst.gif&url=https%3A%2F%2Fexample.com%2Flast.gif"
                    + "&secret="
                    + SECRET)
                .uri(app.baseUri().resolve("/gif")));
    assertThat(form.statusCode()).isEqualTo(200);
    assertThat(clients.get("/gif").body()).contains("last.gif").doesNotContain("first.gif");

    var json =
        clients.send(
            json("{\"url\":\"https://example.com/first-json.gif\","
                    + "\"url\":\"https://example.com/last-json.gif\",\"secret\":\""
                    + SECRET
                    + "\"}")
                .uri(app.baseUri().resolve("/gif")));
    assertThat(json.statusCode()).isEqualTo(200);
    assertThat(clients.get("/gif").body()).contains("last-json.gif");
  }

  @Test
  void a_thousand_made_up_methods_add_no_metric_series() {
    raw("BREW /gif HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"); // the "other" series
    httpSeries(); // and the series of GET /metrics itself
    long before = httpSeries();

    for (int i = 0; i < 1_000; i++) {
      Raw response = raw("M" + i + "X /gif HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
      assertThat(response.status()).isBetween(400, 499);
    }

    assertThat(httpSeries()).isEqualTo(before);
    assertThat(clients.get("/metrics").body())
        .contains("gifmachine_http_requests_total{method=\"other\"")
        .doesNotContain("M999X");
  }

  private long httpSeries() {
    return clients
        .get("/metrics")
        .body()
        .lines()
        .filter(line -> line.startsWith("gifmachine_http_"))
        .count();
  }
}
