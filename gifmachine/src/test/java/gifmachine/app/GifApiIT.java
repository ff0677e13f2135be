package gifmachine.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The HTTP and WebSocket API of one instance on a real PostgreSQL. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GifApiIT {
  private static final String SECRET = "correct horse battery staple";

  private final ByteArrayOutputStream requestLog = new ByteArrayOutputStream();
  private Gifmachine app;
  private Clients clients;

  @BeforeAll
  void start() {
    GifmachineConfig config =
        new GifmachineConfig("127.0.0.1", 0, SECRET, false, TestPostgres.newDatabase());
    app = Gifmachine.start(config, requestLog);
    clients = new Clients(app.baseUri());
  }

  @AfterAll
  void stop() {
    app.close();
  }

  private Map<String, String> gif(String url, String top, String bottom) {
    Map<String, String> fields = new HashMap<>();
    fields.put("url", url);
    fields.put("who", "bot");
    fields.put("meme_top", top);
    fields.put("meme_bottom", bottom);
    fields.put("secret", SECRET);
    return fields;
  }

  @Test
  void posting_a_form_stores_the_gif_and_it_becomes_the_latest() {
    var posted =
        clients.postForm("/gif", gif("https://example.com/form.gif", "form top", "bottom"));

    assertThat(posted.statusCode()).isEqualTo(200);
    assertThat(clients.get("/gif").body())
        .isEqualTo(
            "{\"type\":\"gif\",\"url\":\"https://example.com/form.gif\",\"meme_top\":\"form top\","
                + "\"meme_bottom\":\"bottom\"}");
    assertThat(clients.get("/gif").headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
  }

  @Test
  void posting_json_is_accepted_like_a_form() {
    var posted =
        clients.postJson(
            "/gif",
            "{\"url\":\"https://example.com/json.gif\",\"who\":\"api\",\"meme_top\":\"from\","
                + "\"meme_bottom\":\"json\",\"secret\":\""
                + SECRET
                + "\"}");

    assertThat(posted.statusCode()).isEqualTo(200);
    assertThat(clients.get("/gif").body()).contains("https://example.com/json.gif", "\"from\"");
  }

  @Test
  void posting_multipart_or_query_parameters_works_as_sinatra_params_did() {
    String boundary = "gifmachine-boundary";
    Map<String, String> fields = new java.util.LinkedHashMap<>();
    fields.put("url", "https://example.com/multipart.gif");
    fields.put("meme_top", "multi");
    fields.put("secret", SECRET);
    StringBuilder body = new StringBuilder();
    fields.forEach(
        (name, value) ->
            body.append("--")
                .append(boundary)
                .append("\r\n")
                .append("Content-Disposition: form-data; name=\"")
                .append(name)
                .append("\"\r\n\r\n")
                .append(value)
                .append("\r\n"));
    body.append("--").append(boundary).append("--\r\n");

    var viaMultipart =
        clients.send(
            HttpRequest.newBuilder(app.baseUri().resolve("/gif"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    assertThat(viaMultipart.statusCode()).isEqualTo(200);
    assertThat(clients.get("/gif").body()).contains("multipart.gif", "\"multi\"");

    var viaQuery =
        clients.send(
            HttpRequest.newBuilder(
                    app.baseUri()
                        .resolve(
                            "/gif?url=https%3A%2F%2Fexample.com%2Fquery.gif&secret="
                                + java.net.URLEncoder.encode(SECRET, StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.noBody()));
    assertThat(viaQuery.statusCode()).isEqualTo(200);
    assertThat(clients.get("/gif").body()).contains("query.gif");
  }

  @ParameterizedTest(name = "secret \"{0}\"")
  @ValueSource(
      strings = {"", "wrong", "correct horse battery stapl", "correct horse battery staple "})
  void posting_with_a_wrong_secret_is_forbidden_and_stores_nothing(String secret) {
    String before = clients.get("/gif").body();
    Map<String, String> fields = gif("https://example.com/forbidden.gif", "no", "no");
    fields.put("secret", secret);

    var response = clients.postForm("/gif", fields);

    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.body()).contains("\"error\":\"secret:");
    assertThat(clients.get("/gif").body()).isEqualTo(before);
  }

  @Test
  void posting_without_a_secret_is_forbidden_and_counted() {
    Map<String, String> fields = gif("https://example.com/nosecret.gif", "no", "no");
    fields.remove("secret");

    assertThat(clients.postForm("/gif", fields).statusCode()).isEqualTo(403);
    assertThat(clients.postForm("/reload", Map.of()).statusCode()).isEqualTo(403);
    assertThat(clients.get("/metrics").body())
        .containsPattern("(?m)^gifmachine_secret_check_failures_total [1-9]");
  }

  static Stream<Arguments> badGifs() {
    String longUrl = "https://example.com/" + "a".repeat(2048) + ".gif";
    String longText = "x".repeat(501);
    return Stream.of(
        Arguments.of("url", null, "url: is required"),
        Arguments.of("url", "", "url: is required"),
        Arguments.of("url", "ftp://example.com/a.gif", "url: must be an absolute http(s) URL"),
        Arguments.of("url", "javascript:alert(1)", "url: must be an absolute http(s) URL"),
        Arguments.of("url", "not a url", "url: must be an absolute http(s) URL"),
        Arguments.of("url", "https://", "url: must be an absolute http(s) URL"),
        Arguments.of("url", longUrl, "url: longer than 2048 characters"),
        Arguments.of("who", longText, "who: longer than 500 characters"),
        Arguments.of("meme_top", longText, "meme_top: longer than 500 characters"),
        Arguments.of("meme_bottom", longText, "meme_bottom: longer than 500 characters"));
  }

  @ParameterizedTest(name = "{0} = {1}")
  @MethodSource("badGifs")
  void posting_a_bad_field_is_a_400_naming_the_field(String field, String value, String error) {
    String before = clients.get("/gif").body();
    Map<String, String> fields = gif("https://example.com/ok.gif", "top", "bottom");
    if (value == null) {
      fields.remove(field);
    } else {
      fields.put(field, value);
    }

    var form = clients.postForm("/gif", fields);
    assertThat(form.statusCode()).isEqualTo(400);
    assertThat(form.body()).isEqualTo("{\"error\":\"" + error + "\"}");
    assertThat(clients.get("/gif").body()).isEqualTo(before);
  }

  static Stream<Arguments> badJsonBodies() {
    return Stream.of(
        Arguments.of("{not json", "body: not valid JSON"),
        Arguments.of("[1,2]", "body: must be a JSON object"),
        Arguments.of("{\"url\":42,\"secret\":\"" + SECRET + "\"}", "url: must be a string"),
        Arguments.of("{\"secret\":\"" + SECRET + "\"}", "url: is required"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badJsonBodies")
  void posting_bad_json_is_a_400_naming_the_problem(String body, String error) {
    var response = clients.postJson("/gif", body);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).isEqualTo("{\"error\":\"" + error + "\"}");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/gif", "/reload"})
  void bodies_over_64_kb_are_refused_with_413(String path) {
    Map<String, String> fields = gif("https://example.com/big.gif", "x".repeat(70_000), "");

    // As a careful client sends a large body: the server's 413 arrives before the body, so the
    // server's close cannot race the upload and reset the connection before the answer is read.
    var response = clients.send(clients.formPost(path, fields).expectContinue(true));

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(response.body()).contains("\"error\":\"body:");
  }

  @Test
  void chunked_bodies_over_64_kb_are_refused_with_413_too() {
    byte[] body =
        ("secret=" + SECRET + "&url=https%3A%2F%2Fexample.com%2Fa.gif&who=" + "x".repeat(70_000))
            .getBytes(StandardCharsets.UTF_8);

    var response =
        clients.send(
            HttpRequest.newBuilder(app.baseUri().resolve("/gif"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(
                    HttpRequest.BodyPublishers.ofInputStream(
                        () -> new java.io.ByteArrayInputStream(body))));

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(response.body()).isEqualTo("{\"error\":\"body: larger than 65536 bytes\"}");
  }

  @ParameterizedTest(name = "page={0}")
  @ValueSource(strings = {"-1", "0", "abc", "", "99999999999999", "1.5"})
  void odd_page_numbers_mean_page_one(String page) {
    clients.postForm("/gif", gif("https://example.com/paged.gif", "paged", "gif"));

    var history = clients.get("/history?page=" + page);
    var search = clients.get("/search?query=paged&page=" + page);

    assertThat(history.statusCode()).isEqualTo(200);
    assertThat(history.body()).contains("paged - gif");
    assertThat(search.statusCode()).isEqualTo(200);
    assertThat(search.body()).contains("paged - gif");
  }

  @Test
  void history_pages_hold_32_gifs_newest_first_with_links_between_pages() {
    for (int i = 0; i < 40; i++) {
      clients.postForm("/gif", gif("https://example.com/h" + i + ".gif", "history" + i, "page"));
    }

    String first = clients.get("/history").body();
    String second = clients.get("/history?page=2").body();

    assertThat(first.split("<li>", -1)).hasSize(33);
    assertThat(first.indexOf("history39 - page")).isLessThan(first.indexOf("history38 - page"));
    assertThat(first).contains("href=\"/history?page=2\"").doesNotContain("history7 - page");
    assertThat(second).contains("history7 - page", "href=\"/history?page=1\"");
  }

  @Test
  void search_is_a_case_insensitive_substring_match_over_who_and_both_texts() {
    Map<String, String> byWho = gif("https://example.com/s1.gif", "plain", "text");
    byWho.put("who", "Zebra-Keeper");
    clients.postForm("/gif", byWho);
    clients.postForm("/gif", gif("https://example.com/s2.gif", "a ZEBRA on top", "x"));
    clients.postForm("/gif", gif("https://example.com/s3.gif", "x", "bottom zebras"));
    clients.postForm("/gif", gif("https://example.com/s4.gif", "unrelated", "horse"));
    clients.postForm("/gif", gif("https://example.com/s5.gif", "100%_literal", "x"));

    String zebra = clients.get("/search?query=zEbRa").body();
    assertThat(zebra).contains("plain - text", "a ZEBRA on top - x", "x - bottom zebras");
    assertThat(zebra).doesNotContain("unrelated");
    assertThat(clients.get("/search?query=%25_").body()).contains("100%_literal");
    assertThat(clients.get("/search?query=0%25_l").body()).contains("100%_literal");
    assertThat(clients.get("/search?query=_l").body()).contains("100%_literal");
    assertThat(clients.get("/search?query=%25").body()).doesNotContain("plain - text");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/search", "/search?query=", "/search?query=%20%20"})
  void search_without_a_query_shows_the_page_with_no_results(String path) {
    clients.postForm("/gif", gif("https://example.com/any.gif", "anything", "at all"));

    var response = clients.get(path);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("gifmachine search").doesNotContain("<li>");
  }

  @Test
  void viewing_a_gif_shows_its_url_and_text() {
    clients.postForm("/gif", gif("https://example.com/view.gif", "view top", "view bottom"));
    String id =
        clients.get("/history").body().replaceAll("(?s).*?href=\"/view/(\\d+)\">view top.*", "$1");

    var response = clients.get("/view/" + id);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body())
        .contains("data-url=\"https://example.com/view.gif\"", "data-meme-top=\"view top\"");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/view/999999", "/view/0", "/view/-1", "/view/abc", "/view/1e9"})
  void unknown_ids_are_a_404_page(String path) {
    var response = clients.get(path);

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).contains("Not found");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/nope", "/gif/1", "/view", "/history/2", "/.env"})
  void unknown_routes_are_a_404_with_a_json_body(String path) {
    var response = clients.get(path);

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).isEqualTo("{\"error\":\"not found\"}");
    assertThat(clients.getHtml(path).body()).contains("<!DOCTYPE html>", "Not found");
  }

  static Stream<String> injections() {
    return Stream.of(
        "<script>alert(1)</script>",
        "\"><img src=x onerror=alert(1)>",
        "'); alert(1); ('",
        "</script><script>alert(1)</script>");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("injections")
  void user_text_is_escaped_on_every_page(String evil) {
    Map<String, String> fields = gif("https://example.com/x.gif?a=1&b='x'", evil, evil);
    fields.put("who", evil);
    assertThat(clients.postForm("/gif", fields).statusCode()).isEqualTo(200);
    String id = clients.get("/history").body().replaceAll("(?s).*?href=\"/view/(\\d+)\">.*", "$1");

    for (String page :
        new String[] {
          clients.get("/history").body(),
          clients
              .get("/search?query=" + java.net.URLEncoder.encode(evil, StandardCharsets.UTF_8))
              .body(),
          clients.get("/view/" + id).body()
        }) {
      assertThat(page).doesNotContain("<script>alert").doesNotContain("<img src=x");
      assertThat(page).doesNotContainPattern("<script>(?!</script>)[^<]");
      // Markup never passes unescaped. Quotes are escaped where they could end something, in
      // attribute values (PageTemplatesTest); in element text, where "'); alert(1); ('" sits, they
      // are inert, as no user text ever goes into a script: the only one is the static gif.js.
      if (evil.contains("<")) {
        assertThat(page).doesNotContain(evil);
      }
      assertThat(page.replace("<script src=\"/gif.js\"></script>", "")).doesNotContain("<script");
    }
    assertThat(clients.get("/view/" + id).body())
        .contains("data-url=\"https://example.com/x.gif?a=1&amp;b=&#39;x&#39;\"");
    assertThat(clients.get("/view/" + id).headers().firstValue("Content-Security-Policy"))
        .hasValueSatisfying(csp -> assertThat(csp).contains("script-src 'self'"));
  }

  @Test
  void a_websocket_client_gets_the_latest_gif_on_open_then_every_new_one_and_reloads() {
    clients.postForm("/gif", gif("https://example.com/before.gif", "before", "open"));
    try (Clients.Socket socket = clients.socket()) {
      assertThat(socket.next(5)).contains("\"type\":\"gif\"", "https://example.com/before.gif");

      clients.postForm("/gif", gif("https://example.com/after.gif", "after", "open"));
      assertThat(socket.next(5))
          .isEqualTo(
              "{\"type\":\"gif\",\"url\":\"https://example.com/after.gif\",\"meme_top\":\"after\","
                  + "\"meme_bottom\":\"open\"}");

      assertThat(clients.postForm("/reload", Map.of("secret", SECRET)).statusCode()).isEqualTo(200);
      assertThat(socket.nextContaining("reload", 5)).isEqualTo("{\"type\":\"reload\"}");
      await()
          .atMost(Duration.ofSeconds(5))
          .untilAsserted(
              () ->
                  assertThat(clients.get("/metrics").body())
                      .containsPattern("(?m)^gifmachine_websocket_clients [1-9]"));
    }
  }

  @Test
  void health_readiness_and_metrics_are_served() {
    assertThat(clients.get("/healthz").statusCode()).isEqualTo(200);
    assertThat(clients.get("/readyz").body()).contains("ready");
    clients.postForm("/gif", gif("https://example.com/m.gif", "metrics", "x"));

    String metrics = clients.get("/metrics").body();

    assertThat(metrics)
        .contains(
            "gifmachine_http_requests_total{method=\"GET\",route=\"/readyz\",status=\"200\"}",
            "gifmachine_http_request_duration_seconds_bucket{method=\"POST\",route=\"/gif\",status=\"200\",le=",
            "gifmachine_gifs_posted_total ",
            "gifmachine_websocket_clients ",
            "jvm_memory_used_bytes");
  }

  @Test
  void every_request_is_one_json_log_line_without_secrets_or_query_strings() {
    clients.postForm("/gif", gif("https://example.com/log.gif", "log", "line"));
    clients.send(
        HttpRequest.newBuilder(
                app.baseUri()
                    .resolve(
                        "/reload?secret="
                            + java.net.URLEncoder.encode(SECRET, StandardCharsets.UTF_8)))
            .POST(HttpRequest.BodyPublishers.noBody()));
    clients.get(
        "/history?page=2&secret=" + java.net.URLEncoder.encode(SECRET, StandardCharsets.UTF_8));

    await()
        .atMost(Duration.ofSeconds(3))
        .untilAsserted(
            () ->
                assertThat(requestLog.toString(StandardCharsets.UTF_8))
                    .contains("\"method\":\"POST\",\"route\":\"/reload\",\"status\":200"));
    String log = requestLog.toString(StandardCharsets.UTF_8);
    assertThat(log).doesNotContain("correct").doesNotContain("secret=").doesNotContain("page=2");
    assertThat(log.lines())
        .allSatisfy(
            line ->
                assertThat(line)
                    .matches(
                        "\\{\"ts\":\"[^\"]+\",\"method\":\"[A-Z]+\",\"route\":\"[^\"]+\","
                            + "\"status\":\\d{3},\"duration_ms\":[0-9.E-]+"
                            + "(,\"event\":\"gif_posted\",\"gif_id\":\\d+,\"url\":\"[^\"]+\",\"who\":\"[^\"]*\")?}"));
    assertThat(log)
        .containsPattern(
            "\"route\":\"/gif\",\"status\":200,\"duration_ms\":[0-9.E-]+,"
                + "\"event\":\"gif_posted\",\"gif_id\":\\d+,"
                + "\"url\":\"https://example.com/log.gif\",\"who\":\"bot\"}");
  }

  @Test
  void the_kiosk_page_script_and_style_are_served() {
    HttpResponse<String> kiosk = clients.get("/");

    assertThat(kiosk.statusCode()).isEqualTo(200);
    assertThat(kiosk.body()).contains("data-mode=\"kiosk\"", "id=\"gif-next\"", "/gif.js");
    assertThat(clients.get("/gif.js").body())
        .contains("new WebSocket", "onclose", "reconnectDelay");
    assertThat(clients.get("/style.css").body()).contains("Impact");
  }
}
