package gifmachine.cli.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import gifmachine.app.Gifmachine;
import gifmachine.app.GifmachineConfig;
import gifmachine.cdepot.CDepot;
import gifmachine.cdepot.CDepotConfig;
import gifmachine.cli.testing.FreePorts;
import gifmachine.csidecar.CSidecar;
import gifmachine.csidecar.CSidecarConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A real Prometheus finds Gifmachine and its sidecar through cDepot, scrapes them, and answers
 * every dashboard panel's query; a stopped sidecar's targets go away after cDepot's TTL.
 */
@TestMethodOrder(OrderAnnotation.class)
class MonitoringIT {

  private static final Duration TTL = Duration.ofSeconds(3);
  private static final HttpClient http = HttpClient.newHttpClient();
  private static Path dir;
  private static Gifmachine gifmachine;
  private static CDepot cdepot;
  private static CSidecar sidecar;
  private static ExternalProcess prometheus;
  private static PrometheusApi api;
  private static WebSocket webSocket;
  private static ScheduledExecutorService traffic;

  @BeforeAll
  static void startEverything() throws Exception {
    Path binary =
        ExternalProcess.onPath("prometheus", System.getenv().getOrDefault("PATH", ""))
            .orElseThrow(
                () ->
                    new AssertionError(
                        "prometheus is not on PATH: run scripts/install-test-tools"));
    dir = Files.createTempDirectory("monitoring-it");
    gifmachine = Gifmachine.start(GifmachineConfig.local(dir.resolve("gifmachine"), 0));
    cdepot =
        CDepot.start(CDepotConfig.defaults().withBindAddress("127.0.0.1").withPort(0).withTtl(TTL));
    URI cdepotUrl = URI.create("http://127.0.0.1:" + cdepot.port());
    sidecar =
        CSidecar.start(
            CSidecarConfig.watchingThisProcess()
                .withPort("127.0.0.1", 0)
                .withSampleInterval(Duration.ofMillis(500))
                .withApp(gifmachine.port(), "it-branch")
                .withCdepot(cdepotUrl, Duration.ofMillis(500)));
    Files.writeString(
        dir.resolve("prometheus.yml"),
        PrometheusConfig.render(
            cdepotUrl,
            Duration.ofSeconds(1),
            Optional.of(Dashboards.MONITORING.resolve("prometheus/rules"))));
    int port = FreePorts.loopback();
    prometheus =
        ExternalProcess.start(
            "prometheus",
            List.of(
                binary.toString(),
                "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port),
            dir.resolve("prometheus.log"),
            Map.of());
    URI base = URI.create("http://127.0.0.1:" + port);
    prometheus.awaitReady(base.resolve("/-/ready"), Duration.ofSeconds(60));
    api = new PrometheusApi(base);
    webSocket =
        http.newWebSocketBuilder()
            .buildAsync(
                URI.create("ws://127.0.0.1:" + gifmachine.port() + "/"),
                new WebSocket.Listener() {})
            .get(10, TimeUnit.SECONDS);
    traffic = Executors.newSingleThreadScheduledExecutor();
    traffic.scheduleWithFixedDelay(MonitoringIT::someTraffic, 0, 300, TimeUnit.MILLISECONDS);
  }

  private static void someTraffic() {
    try {
      URI base = gifmachine.baseUri();
      send(HttpRequest.newBuilder(base.resolve("/gif")).build());
      send(HttpRequest.newBuilder(base.resolve("/no-such-page")).build());
      send(HttpRequest.newBuilder(base.resolve("/search?query=hi")).build());
      send(
          form(
              base,
              "url=https://example.com/a.gif&who=it&meme_top=hi&meme_bottom=there&secret="
                  + gifmachine.password()));
      send(form(base, "url=https://example.com/b.gif&who=it&secret=wrong"));
    } catch (Exception e) {
      // the next round tries again; assertions below tell whether enough got through
    }
  }

  private static HttpRequest form(URI base, String body) {
    return HttpRequest.newBuilder(base.resolve("/gif"))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  private static void send(HttpRequest request) throws Exception {
    http.send(request, HttpResponse.BodyHandlers.discarding());
  }

  @AfterAll
  static void stopEverything() {
    for (AutoCloseable c :
        new AutoCloseable[] {
          traffic == null ? null : traffic::shutdownNow,
          webSocket == null ? null : () -> webSocket.abort(),
          prometheus,
          sidecar,
          cdepot,
          gifmachine
        }) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // keep stopping the rest
      }
    }
  }

  private static List<JsonNode> taskTargets() throws Exception {
    List<JsonNode> tasks = new ArrayList<>();
    for (JsonNode target : api.activeTargets()) {
      if (target.path("labels").path("job").asText().equals("tasks")) {
        tasks.add(target);
      }
    }
    return tasks;
  }

  @Test
  @Order(1)
  void prometheus_discovers_the_sidecar_and_the_app_through_cdepot_with_the_task_labels() {
    String taskId = "local-" + ProcessHandle.current().pid();
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              List<JsonNode> targets = taskTargets();
              assertThat(targets)
                  .extracting(t -> t.path("labels").path("instance").asText())
                  .containsExactlyInAnyOrder(
                      "127.0.0.1:" + sidecar.port(), "127.0.0.1:" + gifmachine.port());
              for (JsonNode target : targets) {
                assertThat(target.path("health").asText()).as(target.toString()).isEqualTo("up");
                JsonNode labels = target.path("labels");
                assertThat(labels.path("cluster").asText()).isEqualTo("local");
                assertThat(labels.path("taskID").asText()).isEqualTo(taskId);
                assertThat(labels.path("function").asText()).isEqualTo("gifmachine");
                assertThat(labels.path("gitBranch").asText()).isEqualTo("it-branch");
              }
            });
  }

  @Test
  @Order(2)
  void every_dashboard_panel_query_returns_data() {
    List<Dashboards.PanelQuery> queries = Dashboards.queries();
    assertThat(queries).hasSizeGreaterThan(15);
    await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofSeconds(2))
        .untilAsserted(
            () -> {
              List<String> empty = new ArrayList<>();
              for (Dashboards.PanelQuery query : queries) {
                if (api.query(query.resolved("30s")).isEmpty()) {
                  empty.add(query.dashboard() + " / " + query.panel() + ": " + query.expr());
                }
              }
              assertThat(empty).as("panel queries without data").isEmpty();
            });
  }

  @Test
  @Order(3)
  void the_sidecar_measures_the_app_process_and_exports_no_identity_labels_of_its_own()
      throws Exception {
    JsonNode cpu = api.query("csidecar_cpu_utilization_ratio");
    assertThat(cpu).isNotEmpty();
    assertThat(cpu.get(0).path("metric").path("container").asText()).isEqualTo("gifmachine");
    assertThat(cpu.get(0).path("metric").path("taskID").asText())
        .as("the taskID label comes from cDepot's target labels")
        .isEqualTo("local-" + ProcessHandle.current().pid());
    assertThat(api.query("csidecar_memory_usage_bytes > 1e6")).isNotEmpty();
  }

  @Test
  @Order(4)
  void a_stopped_sidecars_targets_disappear_after_the_ttl() throws Exception {
    sidecar.close();

    await().atMost(TTL.plusSeconds(20)).untilAsserted(() -> assertThat(taskTargets()).isEmpty());
  }
}
