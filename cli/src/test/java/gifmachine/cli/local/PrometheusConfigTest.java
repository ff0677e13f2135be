package gifmachine.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PrometheusConfigTest {

  private static JsonNode read(String yaml) throws Exception {
    return new YAMLMapper().readTree(yaml);
  }

  @Test
  void scrapes_cdepot_and_discovers_the_tasks_through_its_http_sd_endpoint() throws Exception {
    JsonNode config =
        read(
            PrometheusConfig.render(
                URI.create("http://127.0.0.1:8002/"), Duration.ofSeconds(2), Optional.empty()));

    assertThat(config.at("/global/scrape_interval").asText()).isEqualTo("2000ms");
    assertThat(config.at("/global/evaluation_interval").asText()).isEqualTo("2000ms");
    assertThat(config.at("/scrape_configs/0/job_name").asText()).isEqualTo("cdepot");
    assertThat(config.at("/scrape_configs/0/static_configs/0/targets/0").asText())
        .isEqualTo("127.0.0.1:8002");
    assertThat(config.at("/scrape_configs/1/http_sd_configs/0/url").asText())
        .isEqualTo("http://127.0.0.1:8002/targets");
    assertThat(config.has("rule_files")).isFalse();
  }

  @Test
  void a_rules_directory_with_quotes_colons_and_backslashes_reads_back_unchanged()
      throws Exception {
    Path rules = Path.of("/tmp/it's \"odd\": a\\b #1");

    JsonNode config =
        read(
            PrometheusConfig.render(
                URI.create("http://127.0.0.1:8002"), Duration.ofSeconds(5), Optional.of(rules)));

    assertThat(config.at("/rule_files/0").asText()).isEqualTo(rules.resolve("*.yml").toString());
  }
}
