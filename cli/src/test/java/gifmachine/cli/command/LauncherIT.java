package gifmachine.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code gifmachine-on-aws} launcher as a user runs it, from a directory of their own (the
 * CLI's fat jar is packaged before integration tests run, so it does not rebuild): paths typed on
 * the command line resolve there, and the CDK's node output stays out of the user's way.
 */
class LauncherIT {

  static final Path LAUNCHER = Path.of("..", "gifmachine-on-aws").toAbsolutePath().normalize();

  @TempDir Path elsewhere;

  record Run(int exitCode, String out, String err) {}

  private Run launch(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(elsewhere.toFile())
            .redirectOutput(elsewhere.resolve("stdout.txt").toFile())
            .redirectError(elsewhere.resolve("stderr.txt").toFile());
    // The developer's AWS configuration is never read.
    builder.environment().put("AWS_CONFIG_FILE", elsewhere.resolve("no-aws-config").toString());
    Process process = builder.start();
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("the launcher did not finish in 5 minutes");
    }
    return new Run(
        process.exitValue(),
        Files.readString(elsewhere.resolve("stdout.txt"), StandardCharsets.UTF_8),
        Files.readString(elsewhere.resolve("stderr.txt"), StandardCharsets.UTF_8));
  }

  @Test
  void a_relative_config_file_is_read_from_the_users_directory() throws Exception {
    Files.writeString(
        elsewhere.resolve("rel.yml"), "environment: test\ncompany: acme\nregoin: eu-west-1\n");

    Run run = launch("status", "--config", "rel.yml");

    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    assertThat(run.err())
        .contains("config file " + elsewhere.resolve("rel.yml") + ": unknown key \"regoin\"");
  }

  @Test
  void
      synth_reads_the_config_and_writes_the_templates_where_the_user_stands_without_node_or_cdk_warnings()
          throws Exception {
    Files.writeString(
        elsewhere.resolve("rel.yml"), "environment: test\ncompany: acme\nregion: eu-west-1\n");

    Run run =
        launch(
            "synth",
            "--config",
            "rel.yml",
            "--out",
            "rel",
            "--pipeline",
            "false",
            "--monitoring",
            "false");

    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(elsewhere.resolve("rel/test-acme-network.template.json")).isRegularFile();
    assertThat(run.out()).contains(elsewhere.resolve("rel").toString());
    assertThat(run.err())
        .as("what the user sees on stderr")
        .doesNotContain("end-of-life")
        .doesNotContain("!!")
        .doesNotContain("deprecated")
        .doesNotContain("[WARNING]")
        .contains("Synthesized");
  }
}
