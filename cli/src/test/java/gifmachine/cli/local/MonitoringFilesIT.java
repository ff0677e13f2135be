package gifmachine.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The monitoring files pass Prometheus's own checks, and the dashboards are well formed. */
class MonitoringFilesIT {

  private static final Path PROMETHEUS = Dashboards.MONITORING.resolve("prometheus");

  private static String promtool(Path workDir, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add("promtool");
    command.addAll(List.of(args));
    Process process =
        new ProcessBuilder(command).directory(workDir.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("promtool %s:%n%s", String.join(" ", args), output).isZero();
    return output;
  }

  @Test
  void the_aws_prometheus_config_is_valid_and_discovers_tasks_through_cdepot() throws Exception {
    assertThat(promtool(PROMETHEUS, "check", "config", "prometheus.yml")).contains("SUCCESS");

    JsonNode config =
        new ObjectMapper(new YAMLFactory()).readTree(PROMETHEUS.resolve("prometheus.yml").toFile());
    assertThat(config.findValues("http_sd_configs").get(0).get(0).get("url").asText())
        .isEqualTo("http://localhost:8002/targets");
  }

  @Test
  void the_alert_rules_are_valid_and_their_unit_tests_pass() throws Exception {
    assertThat(promtool(PROMETHEUS, "check", "rules", "rules/gifmachine.yml")).contains("SUCCESS");
    assertThat(promtool(PROMETHEUS, "test", "rules", "tests/gifmachine_test.yml"))
        .contains("SUCCESS");

    JsonNode rules =
        new ObjectMapper(new YAMLFactory())
            .readTree(PROMETHEUS.resolve("rules/gifmachine.yml").toFile());
    assertThat(rules.findValuesAsText("alert"))
        .contains("TargetDown", "HighErrorRate", "HighCpu", "MemoryNearLimit", "NoGifTraffic");
  }

  @Test
  void the_generated_local_config_is_valid_too(@TempDir Path dir) throws Exception {
    java.nio.file.Files.writeString(
        dir.resolve("prometheus.yml"),
        PrometheusConfig.render(
            java.net.URI.create("http://127.0.0.1:18002"),
            java.time.Duration.ofSeconds(5),
            java.util.Optional.of(PROMETHEUS.resolve("rules"))));

    assertThat(promtool(dir, "check", "config", "prometheus.yml"))
        .contains("SUCCESS: 1 rule files found");
  }

  @Test
  void grafana_provisions_the_prometheus_datasource_from_the_environment_and_the_dashboards_folder()
      throws Exception {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    Path provisioning = Dashboards.MONITORING.resolve("grafana/provisioning");

    JsonNode datasource =
        yaml.readTree(provisioning.resolve("datasources/prometheus.yml").toFile())
            .path("datasources")
            .get(0);
    JsonNode provider =
        yaml.readTree(provisioning.resolve("dashboards/dashboards.yml").toFile())
            .path("providers")
            .get(0);

    assertThat(datasource.path("url").asText()).isEqualTo("$PROMETHEUS_URL");
    assertThat(datasource.path("uid").asText()).isEqualTo("prometheus");
    assertThat(provider.path("options").path("path").asText())
        .isEqualTo("/var/lib/grafana/dashboards");
  }

  @Test
  void every_dashboard_panel_queries_the_provisioned_datasource() {
    assertThat(Dashboards.files())
        .extracting(p -> p.getFileName().toString())
        .containsExactlyInAnyOrder("gifmachine.json", "tasks.json", "jvm.json");
    Set<String> uids = new java.util.HashSet<>();
    for (Path file : Dashboards.files()) {
      JsonNode dashboard = Dashboards.read(file);
      assertThat(uids.add(dashboard.path("uid").asText())).as("unique uid in %s", file).isTrue();
      assertThat(dashboard.path("panels")).as(file.toString()).isNotEmpty();
      for (JsonNode panel : dashboard.path("panels")) {
        assertThat(panel.path("datasource").path("uid").asText())
            .as(panel.path("title").asText())
            .isEqualTo("prometheus");
        assertThat(panel.path("targets")).as(panel.path("title").asText()).isNotEmpty();
      }
    }
  }
}
