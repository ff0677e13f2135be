package gifmachine.cli.local;

import static org.assertj.core.api.Assertions.assertThat;

import gifmachine.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

class LocalCommandTest {

  @TempDir Path dir;

  private record Run(int exitCode, String out, String err) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine commandLine = Main.commandLine();
    commandLine.setOut(new PrintWriter(out));
    commandLine.setErr(new PrintWriter(err));
    int code = commandLine.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  @ParameterizedTest(name = "--port {0}")
  @CsvSource({"-1", "65536", "100000"})
  void a_port_out_of_range_is_refused_before_anything_starts(String port) {
    Run run = run("local", "--port", port, "--data-dir", dir.toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .startsWith("bad --port " + port + ": a port is 1-65535 (or 0 for free ports)");
    assertThat(run.out()).isEmpty();
    assertThat(dir).isEmptyDirectory();
  }

  @Test
  void a_port_that_is_not_a_number_is_a_usage_error() {
    Run run = run("local", "--port", "http");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("Invalid value for option '--port': 'http' is not an int");
  }

  @Test
  void a_data_dir_below_a_file_is_refused_with_the_reason() throws Exception {
    Path file = Files.writeString(dir.resolve("a-file"), "x");

    Run run = run("local", "--data-dir", file.resolve("data").toString());

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .startsWith("cannot use --data-dir " + file.resolve("data") + ": Not a directory");
    assertThat(run.err()).contains("Choose a directory you can write to");
  }

  @Test
  void an_unwritable_data_dir_is_refused_with_the_reason() {
    // Permission bits do not stop root, which runs CI; sysfs refuses new entries to everyone.
    Run run = run("local", "--data-dir", "/sys/gifmachine-data");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .startsWith("cannot use --data-dir /sys/gifmachine-data: Operation not permitted");
    assertThat(run.err()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void help_lists_the_options_and_exit_codes() {
    Run run = run("local", "--help");

    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).contains("--port", "--data-dir", "--no-prometheus", "2   bad options");
  }
}
