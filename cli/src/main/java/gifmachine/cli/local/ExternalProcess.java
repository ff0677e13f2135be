package gifmachine.cli.local;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;

/**
 * A server we start as a child process (Prometheus and Grafana for {@code local}; moto and
 * docker-registry in tests): started with its output in a log file, awaited until a readiness URL
 * answers, and stopped together with anything it started.
 */
public final class ExternalProcess implements AutoCloseable {

  private final String name;
  private final Process process;
  private final Path log;
  private final Runnable afterClose;

  private ExternalProcess(String name, Process process, Path log, Runnable afterClose) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.afterClose = afterClose;
  }

  /**
   * The same process, with {@code action} run once it has been stopped (say, removing its pid
   * file).
   */
  public ExternalProcess onClose(Runnable action) {
    Runnable before = afterClose;
    return new ExternalProcess(
        name,
        process,
        log,
        () -> {
          before.run();
          action.run();
        });
  }

  /** The executable's path when {@code command} is on the PATH. */
  public static Optional<Path> onPath(String command, String pathVariable) {
    for (String dir : pathVariable.split(java.io.File.pathSeparator)) {
      if (dir.isBlank()) {
        continue;
      }
      Path candidate = Path.of(dir, command);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  public static ExternalProcess start(
      String name, List<String> command, Path log, java.util.Map<String, String> env)
      throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(env);
    return new ExternalProcess(name, builder.start(), log, () -> {});
  }

  /** Waits until {@code ready} answers 200; fails early if the process dies. */
  public void awaitReady(URI ready, Duration timeout) throws IOException, InterruptedException {
    awaitReady(ready, timeout, status -> status == 200);
  }

  /**
   * Waits until {@code ready} answers with a status {@code accepted} takes; fails early if the
   * process dies.
   */
  public void awaitReady(URI ready, Duration timeout, IntPredicate accepted)
      throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IOException(name + " exited with status " + process.exitValue() + ": see " + log);
      }
      try {
        HttpResponse<Void> response =
            http.send(
                HttpRequest.newBuilder(ready).timeout(Duration.ofSeconds(1)).build(),
                HttpResponse.BodyHandlers.discarding());
        if (accepted.test(response.statusCode())) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new IOException(name + " was not ready after " + timeout.toSeconds() + " s: see " + log);
  }

  public long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    children.forEach(ProcessHandle::destroyForcibly);
    if (!process.isAlive()) {
      afterClose.run();
    }
  }
}
