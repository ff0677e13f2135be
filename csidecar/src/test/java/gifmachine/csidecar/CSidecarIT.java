package gifmachine.csidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gifmachine.cdepot.CDepot;
import gifmachine.cdepot.CDepotConfig;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CSidecarIT {

  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();
  private FakeEcsMetadata metadata;
  private CDepot depot;
  private CSidecar sidecar;

  @AfterEach
  void stop() {
    for (AutoCloseable c : new AutoCloseable[] {sidecar, depot, metadata}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // keep closing the rest
      }
    }
  }

  private CSidecarConfig ecsConfig(URI cdepot) {
    return CSidecarConfig.watchingThisProcess()
        .withPort("127.0.0.1", 0)
        .withSource(new CSidecarConfig.Source.EcsMetadata(metadata.endpoint()))
        .withSampleInterval(Duration.ofMillis(200))
        .withApp(4567, "main")
        .withCdepot(cdepot, Duration.ofMillis(300));
  }

  private CDepot startDepot(int port) throws Exception {
    return CDepot.start(CDepotConfig.defaults().withBindAddress("127.0.0.1").withPort(port));
  }

  private String get(String url) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private String metrics() throws Exception {
    return get("http://127.0.0.1:" + sidecar.port() + "/metrics");
  }

  @Test
  void on_ecs_the_heartbeat_announces_the_sidecar_and_the_app_with_the_task_identity()
      throws Exception {
    metadata = new FakeEcsMetadata();
    metadata.serve("task.json", "stats-second.json");
    depot = startDepot(0);
    sidecar = CSidecar.start(ecsConfig(URI.create("http://127.0.0.1:" + depot.port())));

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              JsonNode targets =
                  json.readTree(get("http://127.0.0.1:" + depot.port() + "/targets"));
              assertThat(targets).hasSize(1);
              assertThat(targets.get(0))
                  .isEqualTo(
                      json.readTree(
                          """
          {"labels":{"cluster":"prod-dundermiff","function":"gifmachine",
                     "taskID":"4d1f2a3b5c6d7e8f9a0b1c2d3e4f5a6b","gitBranch":"main"},
           "targets":["10.0.1.23:%d","10.0.1.23:4567"]}"""
                              .formatted(sidecar.port())));
            });
    assertThat(metrics())
        .contains("csidecar_cpu_utilization_ratio{container=\"gifmachine\"} 0.5")
        .contains("csidecar_memory_usage_bytes{container=\"gifmachine\"} 3.02653184E8")
        .contains("csidecar_network_receive_bytes_total{container=\"gifmachine\"} 15000.0")
        .doesNotContain("taskID");
  }

  @Test
  void while_cdepot_is_down_the_sidecar_keeps_serving_and_retries_until_it_is_back()
      throws Exception {
    metadata = new FakeEcsMetadata();
    metadata.serve("task.json", "stats-second.json");
    int port;
    try (ServerSocket reserved = new ServerSocket(0)) {
      port = reserved.getLocalPort();
    }
    sidecar = CSidecar.start(ecsConfig(URI.create("http://127.0.0.1:" + port)));

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(metrics())
                    .contains("csidecar_heartbeats_total{result=\"failed\"}")
                    .doesNotContain("csidecar_heartbeats_total{result=\"failed\"} 0.0"));
    depot = startDepot(port);

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () ->
                assertThat(json.readTree(get("http://127.0.0.1:" + port + "/targets"))).hasSize(1));
  }

  @Test
  void while_the_metadata_endpoint_fails_the_sidecar_reports_it_and_recovers() throws Exception {
    metadata = new FakeEcsMetadata();
    metadata.failWith(500);
    depot = startDepot(0);
    sidecar = CSidecar.start(ecsConfig(URI.create("http://127.0.0.1:" + depot.port())));

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(metrics()).contains("csidecar_stats_up 0.0"));
    assertThat(sidecar.identity()).isEmpty();
    metadata.serve("task.json", "stats-first.json");

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(metrics()).contains("csidecar_stats_up 1.0");
              assertThat(json.readTree(get("http://127.0.0.1:" + depot.port() + "/targets")))
                  .hasSize(1);
            });
  }

  @Test
  void outside_ecs_it_watches_its_own_process_through_cgroups() throws Exception {
    depot = startDepot(0);
    sidecar =
        CSidecar.start(
            CSidecarConfig.watchingThisProcess()
                .withPort("127.0.0.1", 0)
                .withSampleInterval(Duration.ofMillis(200))
                .withCdepot(
                    URI.create("http://127.0.0.1:" + depot.port()), Duration.ofMillis(300)));

    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(metrics())
                  .contains("csidecar_cpu_utilization_ratio{container=\"gifmachine\"}")
                  .contains("csidecar_memory_utilization_ratio{container=\"gifmachine\"}");
              JsonNode targets =
                  json.readTree(get("http://127.0.0.1:" + depot.port() + "/targets"));
              assertThat(targets).hasSize(1);
              assertThat(targets.get(0).get("labels").get("cluster").asText()).isEqualTo("local");
              assertThat(targets.get(0).get("targets").get(0).asText())
                  .isEqualTo("127.0.0.1:" + sidecar.port());
            });
  }

  @Test
  void unknown_paths_get_a_json_404() throws Exception {
    sidecar = CSidecar.start(CSidecarConfig.watchingThisProcess().withPort("127.0.0.1", 0));

    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + sidecar.port() + "/nope"))
                .build(),
            HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).isEqualTo("{\"error\":\"path: not found\"}");
  }
}
