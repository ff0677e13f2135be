package gifmachine.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class GrafanaProvisioningTest {

  @Test
  void the_dashboards_folder_reads_back_unchanged_whatever_characters_it_has() throws Exception {
    Path folder = Path.of("/home/o'neil/\"repo\": x\\y/monitoring/grafana/dashboards");

    JsonNode provider =
        new YAMLMapper().readTree(GrafanaProvisioning.dashboards(folder)).at("/providers/0");

    assertThat(provider.at("/options/path").asText()).isEqualTo(folder.toString());
    assertThat(provider.at("/type").asText()).isEqualTo("file");
  }

  @Test
  void prometheus_is_the_default_data_source_at_the_url_grafana_reads_from_its_environment()
      throws Exception {
    JsonNode source =
        new YAMLMapper().readTree(GrafanaProvisioning.datasources()).at("/datasources/0");

    assertThat(source.at("/url").asText()).isEqualTo("$PROMETHEUS_URL");
    assertThat(source.at("/isDefault").asBoolean()).isTrue();
    assertThat(source.at("/uid").asText()).isEqualTo("prometheus");
  }
}
