package gifmachine.cdepot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class CDepotIT {

  private static final String HEARTBEAT =
      """
      {"cluster":"prod","function":"gifmachine","taskID":"t1","localIP":"127.0.0.1:8080",\
      "publicIP":"","gitBranch":"main","targets":["127.0.0.1:4567"]}""";

  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();
  // cDepot's clock for the TTL, moved by the tests: expiry never races the real clock.
  private final AtomicLong nanoClock = new AtomicLong(1_000_000_000L);
  private CDepot depot;

  @TempDir Path dir;

  @AfterEach
  void stop() {
    if (depot != null) {
      depot.close();
    }
  }

  private CDepot start(CDepotConfig config) throws Exception {
    depot = CDepot.start(config.withBindAddress("127.0.0.1").withPort(0), nanoClock::get);
    return depot;
  }

  private HttpResponse<String> post(String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri("/alive"))
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * A body cDepot rejects by its Content-Length, sent the way a careful client sends a large one:
   * with {@code Expect: 100-continue}, so the 413 arrives before the body is written. Without it
   * the client may still be writing when the server answers and closes, and the answer is lost to a
   * reset (RFC 9110, section 10.1.1) — a race of the test, not of cDepot.
   */
  private HttpResponse<String> postOversized(String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri("/alive"))
            .expectContinue(true)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(uri(path)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + depot.port() + path);
  }

  @Test
  void a_heartbeat_becomes_an_http_sd_target_group_with_the_task_labels() throws Exception {
    start(CDepotConfig.defaults());

    assertThat(post(HEARTBEAT).statusCode()).isEqualTo(204);
    HttpResponse<String> targets = get("/targets");

    assertThat(targets.statusCode()).isEqualTo(200);
    assertThat(targets.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(json.readTree(targets.body()))
        .isEqualTo(
            json.readTree(
                """
                [{"labels":{"cluster":"prod","function":"gifmachine","taskID":"t1","gitBranch":"main"},
                  "targets":["127.0.0.1:8080","127.0.0.1:4567"]}]"""));
  }

  @ParameterizedTest
  @EnumSource(CDepotConfig.HttpExecutor.class)
  void every_executor_registers_heartbeats_and_rejects_bad_ones(CDepotConfig.HttpExecutor executor)
      throws Exception {
    start(CDepotConfig.defaults().withExecutor(executor));

    assertThat(post(HEARTBEAT).statusCode()).isEqualTo(204);
    assertThat(post("{\"localIP\":\"h:80\"} x").statusCode()).isEqualTo(400);
    assertThat(
            postOversized("{\"localIP\":\"h:80\",\"x\":\"" + "a".repeat(17_000) + "\"}")
                .statusCode())
        .isEqualTo(413);
    assertThat(json.readTree(get("/targets").body())).hasSize(1);
  }

  @Test
  void a_target_lives_for_the_ttl_after_its_last_heartbeat_and_then_disappears() throws Exception {
    start(CDepotConfig.defaults().withTtl(Duration.ofSeconds(30)));
    post(HEARTBEAT);
    nanoClock.addAndGet(Duration.ofSeconds(20).toNanos());
    post(HEARTBEAT);

    nanoClock.addAndGet(Duration.ofSeconds(30).toNanos());
    assertThat(json.readTree(get("/targets").body())).hasSize(1);

    nanoClock.addAndGet(1);
    assertThat(json.readTree(get("/targets").body())).isEmpty();
    assertThat(get("/metrics").body()).contains("cdepot_targets 0.0");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "{",
        "{\"localIP\":\"nope\"}",
        "{\"localIP\":\"h:80\",\"cluster\":[]}",
        "{\"localIP\":\"h:80\"} trailing garbage"
      })
  void bad_heartbeats_get_a_json_400_and_the_server_keeps_serving(String body) throws Exception {
    start(CDepotConfig.defaults());

    HttpResponse<String> response = post(body);

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(json.readTree(response.body()).get("error").asText())
        .matches("(body|localIP|cluster): .+");
    assertThat(post(HEARTBEAT).statusCode()).isEqualTo(204);
    assertThat(get("/metrics").body()).contains("cdepot_heartbeats_total{result=\"rejected\"} 1.0");
  }

  @Test
  void a_body_over_16_kb_is_rejected_with_413() throws Exception {
    start(CDepotConfig.defaults());

    HttpResponse<String> response =
        postOversized("{\"localIP\":\"h:80\",\"x\":\"" + "a".repeat(17_000) + "\"}");

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(json.readTree(response.body()).get("error").asText())
        .startsWith("body: at most 16384 bytes");
    assertThat(post(HEARTBEAT).statusCode()).isEqualTo(204);
  }

  @Test
  void a_chunked_body_over_16_kb_is_rejected_with_413() throws Exception {
    start(CDepotConfig.defaults());
    byte[] big =
        ("{\"localIP\":\"h:80\",\"x\":\"" + "a".repeat(17_000) + "\"}")
            .getBytes(StandardCharsets.UTF_8);

    // No Content-Length: the limit is enforced while reading, not from the header.
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(uri("/alive"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(json.readTree(response.body()).get("error").asText())
        .startsWith("body: at most 16384 bytes");
    assertThat(post(HEARTBEAT).statusCode()).isEqualTo(204);
  }

  @Test
  void errors_the_http_server_raises_itself_are_json_too() throws Exception {
    start(CDepotConfig.defaults());

    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(uri("/targets")).header("X-Big", "b".repeat(9_000)).build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(431);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    assertThat(json.readTree(response.body()).get("error").asText()).startsWith("http: ");
  }

  @Test
  void beyond_the_target_cap_new_targets_get_503_and_known_ones_still_refresh() throws Exception {
    start(CDepotConfig.defaults().withMaxTargets(1));
    post(HEARTBEAT);

    HttpResponse<String> response = post("{\"localIP\":\"127.0.0.2:8080\"}");

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(json.readTree(response.body()).get("error").asText()).startsWith("targets: ");
    assertThat(post(HEARTBEAT).statusCode()).isEqualTo(204);
  }

  @Test
  void wrong_methods_and_paths_get_json_errors() throws Exception {
    start(CDepotConfig.defaults());

    assertThat(get("/alive").statusCode()).isEqualTo(405);
    HttpResponse<String> missing = get("/nothing");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(json.readTree(missing.body()).get("error").asText()).isEqualTo("path: not found");
    assertThat(get("/healthz").body()).isEqualTo("{\"status\":\"ok\"}");
  }

  @Test
  void the_file_sd_file_is_written_in_the_original_shape_and_reloaded_after_a_restart()
      throws Exception {
    Path file = dir.resolve("sd/targets.json");
    CDepotConfig config = CDepotConfig.defaults().withFileSd(file, Duration.ofMillis(100));
    start(config);
    post(HEARTBEAT);

    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              JsonNode written = json.readTree(Files.readString(file));
              assertThat(written).hasSize(1);
              assertThat(written.get(0).get("labels").get("taskID").asText()).isEqualTo("t1");
            });
    // Prometheus usually runs as another user: the file must be readable by everyone.
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-r--r--");
    try (var leftovers = Files.list(file.getParent())) {
      assertThat(leftovers).containsExactly(file);
    }
    depot.close();

    start(config);

    assertThat(json.readTree(get("/targets").body()))
        .isEqualTo(json.readTree(Files.readString(file)));
    assertThat(json.readTree(get("/targets").body()).get(0).get("targets")).hasSize(2);
  }

  @Test
  void a_second_cdepot_on_a_taken_port_fails_to_start_and_leaves_the_file_alone() throws Exception {
    Path file = dir.resolve("targets.json");
    start(CDepotConfig.defaults().withFileSd(file, Duration.ofHours(1)));
    post(HEARTBEAT);
    Object writtenByTheRunningOne = awaitFileKey(file);

    CDepotConfig taken =
        CDepotConfig.defaults()
            .withFileSd(file, Duration.ofHours(1))
            .withBindAddress("127.0.0.1")
            .withPort(depot.port());

    assertThatThrownBy(() -> CDepot.start(taken, nanoClock::get)).isInstanceOf(IOException.class);
    // A write would have renamed a new file over it.
    assertThat(Files.readAttributes(file, BasicFileAttributes.class).fileKey())
        .isEqualTo(writtenByTheRunningOne);
    assertThat(post(HEARTBEAT).statusCode()).isEqualTo(204);
  }

  private static Object awaitFileKey(Path file) {
    return await()
        .atMost(Duration.ofSeconds(5))
        .until(
            () ->
                Files.exists(file)
                    ? Files.readAttributes(file, BasicFileAttributes.class).fileKey()
                    : null,
            key -> key != null);
  }

  @Test
  void a_start_logs_no_warning() throws Exception {
    // cDepot's and Jetty's logs both go to java.util.logging (slf4j-jdk14).
    List<LogRecord> warnings = new CopyOnWriteArrayList<>();
    Handler capture =
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            if (record.getLevel().intValue() >= java.util.logging.Level.WARNING.intValue()) {
              warnings.add(record);
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
    root.addHandler(capture);
    try {
      start(CDepotConfig.defaults());
      assertThat(post(HEARTBEAT).statusCode()).isEqualTo(204);
    } finally {
      root.removeHandler(capture);
    }

    assertThat(warnings).extracting(LogRecord::getMessage).isEmpty();
  }

  @Test
  void metrics_count_accepted_heartbeats_and_registered_targets() throws Exception {
    start(CDepotConfig.defaults());
    post(HEARTBEAT);
    post(HEARTBEAT);

    HttpResponse<String> metrics = get("/metrics");

    assertThat(metrics.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/plain");
    assertThat(metrics.body())
        .contains("cdepot_heartbeats_total{result=\"accepted\"} 2.0")
        .contains("cdepot_targets 1.0");
  }
}
