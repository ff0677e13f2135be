package gifmachine.csidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CSidecarConfigTest {

  @Test
  void the_ecs_variable_chooses_the_metadata_source_over_cgroups() {
    CSidecarConfig config =
        CSidecarConfig.fromEnvironment(
            Map.of(
                "ECS_CONTAINER_METADATA_URI_V4", "http://169.254.170.2/v4/abc",
                "CSIDECAR_CGROUP_PATH", "/sys/fs/cgroup/x",
                "CDEPOT_URL", "http://cdepot.gifmachine.local:8002",
                "GIT_BRANCH", "main"));

    assertThat(config.source())
        .isEqualTo(
            new CSidecarConfig.Source.EcsMetadata(URI.create("http://169.254.170.2/v4/abc")));
    assertThat(config.cdepotUrl()).hasValue(URI.create("http://cdepot.gifmachine.local:8002"));
    assertThat(config.gitBranch()).isEqualTo("main");
  }

  @Test
  void without_ecs_a_cgroup_path_or_a_pid_is_watched() {
    assertThat(
            CSidecarConfig.fromEnvironment(Map.of("CSIDECAR_CGROUP_PATH", "/sys/fs/cgroup/x"))
                .source())
        .isEqualTo(new CSidecarConfig.Source.CgroupPath("/sys/fs/cgroup/x"));
    assertThat(CSidecarConfig.fromEnvironment(Map.of("CSIDECAR_PID", "42")).source())
        .isEqualTo(new CSidecarConfig.Source.Pid(42));
    assertThat(CSidecarConfig.fromEnvironment(Map.of()).source())
        .isEqualTo(new CSidecarConfig.Source.Pid(ProcessHandle.current().pid()));
  }

  @Test
  void an_empty_environment_gives_the_documented_defaults() {
    CSidecarConfig config = CSidecarConfig.fromEnvironment(Map.of());

    assertThat(config.port()).isEqualTo(8080);
    assertThat(config.appMetricsPort()).isEqualTo(4567);
    assertThat(config.heartbeatInterval()).isEqualTo(Duration.ofSeconds(15));
    assertThat(config.cdepotUrl()).isEmpty();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "CSIDECAR_PORT | 99999 | CSIDECAR_PORT: must be 0-65535, was 99999",
        "CSIDECAR_PORT | eighty | CSIDECAR_PORT: must be a whole number, was 'eighty'",
        "CSIDECAR_APP_METRICS_PORT | 0 | CSIDECAR_APP_METRICS_PORT: must be 1-65535, was 0",
        "CSIDECAR_HEARTBEAT_SECONDS | 0 | CSIDECAR_HEARTBEAT_SECONDS: must be positive",
        "CDEPOT_URL | ftp://x | CDEPOT_URL: must be an http(s) URL, was ftp://x",
        "CDEPOT_URL | http://a b | CDEPOT_URL: not a URL: http://a b",
      })
  void bad_values_name_the_variable(String name, String value, String error) {
    assertThatThrownBy(() -> CSidecarConfig.fromEnvironment(Map.of(name, value)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(error);
  }

  @Test
  void backoff_grows_from_a_second_up_to_the_interval_with_jitter() {
    Duration interval = Duration.ofSeconds(15);
    for (int i = 0; i < 50; i++) {
      assertThat(Heartbeater.backoff(1, interval))
          .isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
      assertThat(Heartbeater.backoff(3, interval))
          .isBetween(Duration.ofSeconds(2), Duration.ofSeconds(4));
      assertThat(Heartbeater.backoff(30, interval)).isBetween(Duration.ofMillis(7500), interval);
    }
  }
}
