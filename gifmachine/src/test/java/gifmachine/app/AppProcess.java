package gifmachine.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Gifmachine in a JVM of its own, started as the container starts it ({@link Main}, environment
 * variables), so a test can stop it the way ECS does: SIGTERM to its pid.
 */
final class AppProcess implements AutoCloseable {
  private final Process process;
  private final int port;

  private AppProcess(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Starts Main on {@code port} with {@code env}; the classpath is this test JVM's. */
  static AppProcess start(int port, Map<String, String> env, Path log) throws Exception {
    return start(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()),
        port, env, log);
  }

  /** Starts a runnable jar, e.g. an earlier build for a before-and-after comparison. */
  static AppProcess startJar(Path jar, int port, Map<String, String> env, Path log)
      throws Exception {
    return start(List.of("-jar", jar.toString()), port, env, log);
  }

  private static AppProcess start(
      List<String> what, int port, Map<String, String> env, Path log) throws Exception {
    String java = ProcessHandle.current().info().command().orElseThrow();
    List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:TieredStopAtLevel=1"));
    command.addAll(what);
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().putAll(env);
    builder.environment().put("PORT", Integer.toString(port));
    return new AppProcess(builder.start(), port);
  }

  /** Waits until it answers {@code /healthz}. */
  AppProcess awaitServing(Clients clients) {
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(100))
        .ignoreExceptions()
        .untilAsserted(
            () -> {
              assertThat(process.isAlive()).as("gifmachine exited").isTrue();
              assertThat(clients.get("/healthz").statusCode()).isEqualTo(200);
            });
    return this;
  }

  URI baseUri() {
    return URI.create("http://127.0.0.1:" + port + "/");
  }

  int port() {
    return port;
  }

  long pid() {
    return process.pid();
  }

  /** SIGTERM, as ECS sends when it stops a task. */
  void terminate() {
    assertThat(ProcessHandle.of(process.pid()).orElseThrow().destroy()).isTrue();
  }

  /** Waits for the process to exit and returns its exit code. */
  int awaitExit(Duration atMost) throws InterruptedException {
    assertThat(process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS))
        .as("gifmachine still running %s after SIGTERM", atMost)
        .isTrue();
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
