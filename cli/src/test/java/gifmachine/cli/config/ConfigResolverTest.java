package gifmachine.cli.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigResolverTest {

  @TempDir Path dir;

  @Test
  void flags_win_over_environment_which_wins_over_the_file_which_wins_over_defaults()
      throws Exception {
    Files.writeString(
        dir.resolve("gifmachine-on-aws.yml"),
        "environment: file\ncompany: file\nregion: eu-west-1\nmin-tasks: 3\n");

    Settings settings =
        new ConfigResolver(dir)
            .resolve(
                Map.of(Setting.ENVIRONMENT, "flag"),
                Map.of("GIFMACHINE_ENVIRONMENT", "env", "GIFMACHINE_COMPANY", "env"),
                "");

    assertThat(settings.get(Setting.ENVIRONMENT)).isEqualTo("flag");
    assertThat(settings.get(Setting.COMPANY)).isEqualTo("env");
    assertThat(settings.source(Setting.COMPANY)).isEqualTo("environment GIFMACHINE_COMPANY");
    assertThat(settings.number(Setting.MIN_TASKS, 1, 20)).isEqualTo(3);
    assertThat(settings.number(Setting.MAX_TASKS, 1, 20)).isEqualTo(4);
    assertThat(settings.source(Setting.MAX_TASKS)).isEqualTo("default");
  }

  @Test
  void the_earlier_projects_key_value_file_is_read_with_its_own_keys() throws Exception {
    Files.createDirectories(dir.resolve("config"));
    Files.writeString(
        dir.resolve("config/aws-config.txt"),
        "# earlier project\nexport AWS_REGION=\"us-west-2\"\nENVIRONMENT=prod\nCOMPANY='dundermiff'\n\nNAT_GATEWAY=true\n");

    Settings settings = new ConfigResolver(dir).resolve(Map.of(), Map.of(), "");

    assertThat(settings.get(Setting.REGION)).isEqualTo("us-west-2");
    assertThat(settings.get(Setting.ENVIRONMENT)).isEqualTo("prod");
    assertThat(settings.get(Setting.COMPANY)).isEqualTo("dundermiff");
    assertThat(settings.flag(Setting.NAT_GATEWAY)).isTrue();
  }

  @Test
  void aws_default_region_is_used_when_aws_region_is_not_set() {
    Settings settings =
        new ConfigResolver(dir).resolve(Map.of(), Map.of("AWS_DEFAULT_REGION", "ap-south-1"), "");

    assertThat(settings.get(Setting.REGION)).isEqualTo("ap-south-1");
  }

  @Test
  void a_line_that_is_not_key_value_is_rejected_with_its_line_number() throws Exception {
    Files.writeString(dir.resolve("my.txt"), "AWS_REGION=eu-west-1\njust words\n");

    assertThatThrownBy(() -> new ConfigResolver(dir).resolve(Map.of(), Map.of(), "my.txt"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("my.txt line 2: expected KEY=VALUE, got \"just words\"");
  }

  @Test
  void yaml_that_is_not_a_mapping_is_rejected() throws Exception {
    Files.writeString(dir.resolve("c.yml"), "- environment\n- prod\n");

    assertThatThrownBy(() -> new ConfigResolver(dir).resolve(Map.of(), Map.of(), "c.yml"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("c.yml: must be a mapping of keys to values");
  }
}
