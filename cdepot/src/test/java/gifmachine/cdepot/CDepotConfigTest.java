package gifmachine.cdepot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CDepotConfigTest {

  @Test
  void an_empty_environment_gives_the_documented_defaults() {
    CDepotConfig config = CDepotConfig.fromEnvironment(Map.of());

    assertThat(config.port()).isEqualTo(8002);
    assertThat(config.ttl()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.fileSdPath()).isEmpty();
    assertThat(config.fileSdInterval()).isEqualTo(Duration.ofSeconds(15));
    assertThat(config.maxTargets()).isEqualTo(10_000);
    assertThat(config.executor()).isEqualTo(CDepotConfig.HttpExecutor.INLINE);
  }

  @Test
  void every_variable_is_read() {
    CDepotConfig config =
        CDepotConfig.fromEnvironment(
            Map.of(
                "CDEPOT_PORT", "9000",
                "CDEPOT_TTL_SECONDS", "5",
                "CDEPOT_FILE_SD_PATH", "/tmp/t.json",
                "CDEPOT_MAX_TARGETS", "7",
                "CDEPOT_EXECUTOR", "virtual"));

    assertThat(config)
        .isEqualTo(
            new CDepotConfig(
                "0.0.0.0",
                9000,
                Duration.ofSeconds(5),
                java.util.Optional.of(Path.of("/tmp/t.json")),
                Duration.ofSeconds(15),
                7,
                CDepotConfig.HttpExecutor.VIRTUAL));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "CDEPOT_PORT | x | CDEPOT_PORT: must be a whole number, was 'x'",
        "CDEPOT_PORT | 70000 | CDEPOT_PORT: must be 0-65535, was 70000",
        "CDEPOT_TTL_SECONDS | 0 | CDEPOT_TTL_SECONDS: must be positive, was PT0S",
        "CDEPOT_MAX_TARGETS | 0 | CDEPOT_MAX_TARGETS: must be at least 1, was 0",
        "CDEPOT_EXECUTOR | fast | CDEPOT_EXECUTOR: must be virtual, fixed or inline, was 'fast'",
      })
  void bad_values_name_the_variable(String name, String value, String error) {
    assertThatThrownBy(() -> CDepotConfig.fromEnvironment(Map.of(name, value)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(error);
  }
}
