package gifmachine.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code synth} runs the real CDK synthesis (tens of seconds on this machine), hence an IT. */
class SynthCommandIT {

  @TempDir Path dir;

  @Test
  void flags_win_over_the_environment_which_wins_over_the_config_file() throws Exception {
    Files.createDirectories(dir.resolve("config"));
    Files.writeString(
        dir.resolve("config/aws-config.txt"),
        "AWS_REGION=eu-west-1\nENVIRONMENT=fromfile\nCOMPANY=filecorp\n");
    CliRunner runner = new CliRunner(dir);
    runner.environment.put("GIFMACHINE_COMPANY", "envcorp");

    CliRunner.Result result =
        runner.run(
            "synth", "--out", "t", "-e", "fromflag", "--pipeline", "false", "--monitoring=false");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out())
        .contains("fromflag-envcorp-network.template.json")
        .doesNotContain("pipeline.template.json");
    assertThat(dir.resolve("t/fromflag-envcorp-gifmachine.template.json")).isRegularFile();
  }

  @Test
  void cost_prices_the_configuration_next_to_the_earlier_project() {
    CliRunner.Result result =
        new CliRunner(dir).run("cost", "-e", "prod", "-c", "acme", "--region", "eu-west-1");

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out())
        .contains(
            "TOTAL",
            "This deployment: ",
            "the earlier project: ",
            "CloudFront data out",
            "always-free",
            "(Spot price of 2026-11-01)");
    java.util.regex.Matcher total =
        java.util.regex.Pattern.compile("This deployment: (\\d+\\.\\d\\d) USD a month")
            .matcher(result.out());
    assertThat(total.find()).as(result.out()).isTrue();
    assertThat(Double.parseDouble(total.group(1)))
        .as("default deployment, eu-west-1")
        .isLessThanOrEqualTo(55.00);
  }
}
