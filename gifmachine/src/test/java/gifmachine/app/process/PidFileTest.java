package gifmachine.app.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ending stale processes by pid file, against real child processes. */
class PidFileTest {
  private static final Duration GRACE = Duration.ofSeconds(5);

  @TempDir Path dir;
  private final List<Process> started = new ArrayList<>();

  @AfterEach
  void endChildren() {
    // Descendants first: `sh -c "sleep …"` forks its sleep, which would outlive a killed shell.
    started.forEach(p -> p.descendants().forEach(ProcessHandle::destroyForcibly));
    started.forEach(Process::destroyForcibly);
  }

  private Process sleep(String seconds) throws IOException {
    Process process = new ProcessBuilder("sleep", seconds).start();
    started.add(process);
    return process;
  }

  @Test
  void a_running_process_whose_command_line_is_ours_is_ended() throws IOException {
    Process ours = sleep("601");
    PidFile pids = new PidFile(dir.resolve("server.pid"));
    pids.write(ours.pid());

    PidFile.Outcome outcome = pids.endStale(args -> args.equals(List.of("sleep", "601")), GRACE);

    assertThat(outcome).isEqualTo(PidFile.Outcome.ENDED);
    assertThat(ours.isAlive()).isFalse();
  }

  @Test
  void a_running_process_with_another_command_line_is_left_alone() throws IOException {
    Process stranger = sleep("602");
    PidFile pids = new PidFile(dir.resolve("server.pid"));
    pids.write(stranger.pid());

    PidFile.Outcome outcome = pids.endStale(args -> args.contains("601"), GRACE);

    assertThat(outcome).isEqualTo(PidFile.Outcome.NOT_OURS);
    assertThat(stranger.isAlive()).isTrue();
  }

  @Test
  void the_current_process_is_never_ended_even_when_it_matches() {
    PidFile pids = new PidFile(dir.resolve("server.pid"));
    pids.write(ProcessHandle.current().pid());

    assertThat(pids.endStale(args -> true, GRACE)).isEqualTo(PidFile.Outcome.NOT_OURS);
    assertThat(pids.liveProcess()).isEmpty();
  }

  @Test
  void a_pid_file_naming_a_finished_process_finds_nothing() throws Exception {
    Process finished = new ProcessBuilder("true").start();
    finished.waitFor();
    PidFile pids = new PidFile(dir.resolve("server.pid"));
    pids.write(finished.pid());

    assertThat(pids.endStale(args -> true, GRACE)).isEqualTo(PidFile.Outcome.NO_PROCESS);
  }

  @Test
  void a_missing_or_garbled_pid_file_finds_nothing() throws IOException {
    PidFile missing = new PidFile(dir.resolve("missing.pid"));
    Path garbled = dir.resolve("garbled.pid");
    // A full-width digit is a digit to Java's parser, but not a pid anyone wrote.
    Files.writeString(garbled, "１\n");

    assertThat(missing.endStale(args -> true, GRACE)).isEqualTo(PidFile.Outcome.NO_PROCESS);
    assertThat(new PidFile(garbled).pid()).isEmpty();
    assertThat(new PidFile(garbled).endStale(args -> true, GRACE))
        .isEqualTo(PidFile.Outcome.NO_PROCESS);
  }

  @Test
  void the_pid_is_read_from_the_first_line_as_postgresql_writes_it() throws IOException {
    Path postmasterPid = dir.resolve("postmaster.pid");
    Files.writeString(postmasterPid, "4242\n/data/postgres\n1733000000\n5432\n");

    assertThat(new PidFile(postmasterPid).pid()).hasValue(4242);
  }

  @Test
  void the_command_line_keeps_arguments_with_spaces_whole() throws IOException {
    Process process = new ProcessBuilder("sh", "-c", "sleep 603", "a name with spaces").start();
    started.add(process);

    assertThat(PidFile.commandLine(process.toHandle()))
        .hasValue(List.of("sh", "-c", "sleep 603", "a name with spaces"));
  }
}
