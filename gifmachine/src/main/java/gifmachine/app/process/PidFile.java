package gifmachine.app.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Predicate;

/**
 * A pid file naming a server we started (PostgreSQL's own {@code postmaster.pid}, or one we write
 * for a child such as Prometheus), and the one safe way to end what a crashed run left behind: the
 * process named by the file must be alive <em>and</em> its command line must show it is ours (say,
 * the {@code postgres} binary with our data directory) before it gets a signal. A pid that the
 * system has since given to an unrelated process is never touched, nor is this JVM.
 *
 * <pre>{@code
 * PidFile pids = new PidFile(dataDir.resolve("prometheus.pid"));
 * pids.endStale(args -> args.contains("--storage.tsdb.path=" + tsdb), Duration.ofSeconds(10));
 * Process prometheus = new ProcessBuilder(...).start();
 * pids.write(prometheus.pid());
 * }</pre>
 */
public final class PidFile {

  /** What {@link #endStale} found. */
  public enum Outcome {
    /** No pid file, an unreadable one, or its process is gone: nothing to end. */
    NO_PROCESS,
    /** The pid is alive but is not ours (a reused pid, or this very JVM): left alone. */
    NOT_OURS,
    /** Our stale process was running and has been ended. */
    ENDED
  }

  private final Path file;

  public PidFile(Path file) {
    this.file = file;
  }

  public Path path() {
    return file;
  }

  /** The pid on the file's first line, as both PostgreSQL and {@link #write} put it. */
  public OptionalLong pid() {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return OptionalLong.empty();
    } catch (IOException e) {
      return OptionalLong.empty();
    }
    if (lines.isEmpty()) {
      return OptionalLong.empty();
    }
    String first = lines.getFirst().strip();
    // ASCII digits only, and short enough for a long: anything else is not a pid we wrote.
    if (!first.matches("[0-9]{1,18}")) {
      return OptionalLong.empty();
    }
    long pid = Long.parseLong(first);
    return pid > 0 ? OptionalLong.of(pid) : OptionalLong.empty();
  }

  /** Records {@code pid}, replacing the file in one step so no reader sees half of it. */
  public void write(long pid) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path temp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(temp, pid + "\n", StandardCharsets.UTF_8);
      try {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write pid file " + file, e);
    }
  }

  /** Removes the file after a clean stop, so the next start has nothing to check. */
  public void delete() {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete pid file " + file, e);
    }
  }

  /** The live process the file names, if any (never this JVM). */
  public Optional<ProcessHandle> liveProcess() {
    OptionalLong pid = pid();
    if (pid.isEmpty() || pid.getAsLong() == ProcessHandle.current().pid()) {
      return Optional.empty();
    }
    return ProcessHandle.of(pid.getAsLong()).filter(PidFile::running);
  }

  /**
   * Alive and not a zombie: a server killed after its parent left is reparented to PID 1, and where
   * PID 1 does not reap (some containers) it lingers as a zombie that {@link ProcessHandle#isAlive}
   * still counts as alive.
   */
  public static boolean running(ProcessHandle process) {
    if (!process.isAlive()) {
      return false;
    }
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
      // "pid (command) S ...": the state follows the last ')', the command may hold any.
      int end = stat.lastIndexOf(')');
      return end < 0 || end + 2 >= stat.length() || stat.charAt(end + 2) != 'Z';
    } catch (IOException e) {
      return process.isAlive(); // no /proc (macOS), or gone meanwhile
    }
  }

  /**
   * Ends the process the file names if it is still running and {@code isOurs} accepts its command
   * line (program first, then its arguments): first politely (SIGTERM), then, after {@code grace},
   * forcibly (SIGKILL), waiting {@code grace} again.
   *
   * @throws IllegalStateException if our process outlives both signals
   */
  public Outcome endStale(Predicate<List<String>> isOurs, Duration grace) {
    OptionalLong pid = pid();
    if (pid.isEmpty()) {
      return Outcome.NO_PROCESS;
    }
    if (pid.getAsLong() == ProcessHandle.current().pid()) {
      return Outcome.NOT_OURS;
    }
    Optional<ProcessHandle> found = ProcessHandle.of(pid.getAsLong()).filter(PidFile::running);
    if (found.isEmpty()) {
      return Outcome.NO_PROCESS;
    }
    ProcessHandle process = found.get();
    Optional<List<String>> commandLine = commandLine(process);
    if (commandLine.isEmpty() || !isOurs.test(commandLine.get())) {
      return Outcome.NOT_OURS;
    }
    process.destroy();
    if (awaitExit(process, grace)) {
      return Outcome.ENDED;
    }
    process.destroyForcibly();
    if (awaitExit(process, grace)) {
      return Outcome.ENDED;
    }
    throw new IllegalStateException(
        "process "
            + process.pid()
            + " named by "
            + file
            + " did not end after SIGTERM and SIGKILL");
  }

  /**
   * A process's command line, program first: from {@code /proc/<pid>/cmdline} where there is one
   * (exact arguments, spaces and all), else from what the JDK can tell. Empty when the process is
   * gone or belongs to a user whose command lines we may not read.
   */
  public static Optional<List<String>> commandLine(ProcessHandle process) {
    Path proc = Path.of("/proc", Long.toString(process.pid()), "cmdline");
    if (Files.isDirectory(Path.of("/proc", "self"))) {
      try {
        byte[] raw = Files.readAllBytes(proc);
        if (raw.length == 0) {
          return Optional.empty(); // a zombie, or a kernel thread
        }
        String text = new String(raw, StandardCharsets.UTF_8);
        if (text.endsWith("\0")) {
          text = text.substring(0, text.length() - 1);
        }
        return Optional.of(List.of(text.split("\0", -1)));
      } catch (IOException e) {
        return Optional.empty();
      }
    }
    ProcessHandle.Info info = process.info();
    if (info.command().isEmpty()) {
      return Optional.empty();
    }
    List<String> args = new ArrayList<>();
    args.add(info.command().get());
    info.arguments().ifPresent(a -> args.addAll(Arrays.asList(a)));
    return Optional.of(List.copyOf(args));
  }

  /**
   * Polls rather than waiting on {@link ProcessHandle#onExit}: for a process that is not our child
   * that polls too, and it would never see a zombie as ended.
   */
  private static boolean awaitExit(ProcessHandle process, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (running(process)) {
      if (System.nanoTime() - deadline > 0) {
        return false;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return !running(process);
      }
    }
    return true;
  }
}
