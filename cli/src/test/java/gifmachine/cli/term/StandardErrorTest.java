package gifmachine.cli.term;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StandardErrorTest {

  @TempDir Path dir;

  @ParameterizedTest(name = "fd 2 -> {0}: terminal {1}")
  @CsvSource({
    "/dev/pts/3, true",
    "/dev/tty1, true",
    "/dev/console, true",
    "/home/ops/up.log, false",
    "'pipe:[48213]', false",
    "/dev/null, false",
  })
  void standard_error_is_a_terminal_only_when_its_descriptor_leads_to_one(
      String target, boolean terminal) throws Exception {
    Path link = Files.createSymbolicLink(dir.resolve("2"), Path.of(target));

    // The fallback says "terminal": a console on stdin/stdout must not decide for stderr.
    assertThat(StandardError.isTerminal(link, () -> true)).isEqualTo(terminal);
  }

  @Test
  void without_proc_the_console_decides() {
    Path missing = dir.resolve("no-proc/self/fd/2");

    assertThat(StandardError.isTerminal(missing, () -> true)).isTrue();
    assertThat(StandardError.isTerminal(missing, () -> false)).isFalse();
  }
}
