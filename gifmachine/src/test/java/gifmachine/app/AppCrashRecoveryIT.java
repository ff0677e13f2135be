package gifmachine.app;

import static org.assertj.core.api.Assertions.assertThat;

import gifmachine.app.process.PidFile;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The app in local mode dies without stopping its embedded PostgreSQL (kill -9, an OOM kill):
 * the next start on the same data directory ends the stale postmaster and serves, quickly.
 */
class AppCrashRecoveryIT {
  private static final Pattern SERVING = Pattern.compile("gifmachine: serving (http://\\S+)");

  @TempDir Path dir;
  private final List<Process> apps = new ArrayList<>();

  @AfterEach
  void stop() throws InterruptedException {
    for (Process app : apps) {
      app.destroy(); // SIGTERM: the shutdown hook stops PostgreSQL
      if (!app.waitFor(30, TimeUnit.SECONDS)) {
        app.destroyForcibly();
      }
    }
    // Whatever a failed test left: only a postgres on this test's own data directory.
    new PidFile(dir.resolve("postgres").resolve("postmaster.pid"))
        .endStale(args -> args.contains(dir.resolve("postgres").toString()), Duration.ofSeconds(10));
  }

  @Test
  void a_start_after_a_kill_9_of_the_app_ends_the_stale_postgres_and_serves_within_15_s()
      throws Exception {
    Started first = startApp();
    ProcessHandle stalePostmaster =
        new PidFile(dir.resolve("postgres").resolve("postmaster.pid")).liveProcess().orElseThrow();

    first.process().destroyForcibly(); // SIGKILL: no shutdown hook runs
    first.process().waitFor();
    assertThat(stalePostmaster.isAlive()).as("postgres outlives the killed app").isTrue();

    long launched = System.nanoTime();
    Started second = startApp();
    Duration took = Duration.ofNanos(System.nanoTime() - launched);

    assertThat(took).isLessThan(Duration.ofSeconds(15));
    assertThat(stalePostmaster.isAlive()).isFalse();
    assertThat(new Clients(second.base()).get("/gif").statusCode()).isEqualTo(200);
  }

  private record Started(Process process, URI base) {}

  /** Runs {@code Main} in a JVM of its own, in local mode on {@link #dir}; waits until it serves. */
  private Started startApp() throws IOException {
    ProcessBuilder builder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName())
            .redirectErrorStream(true);
    builder.environment().keySet().removeIf(name -> name.startsWith("DATABASE_"));
    builder.environment().put("GIFMACHINE_DATA_DIR", dir.toString());
    builder.environment().put("GIFMACHINE_PASSWORD", "pw");
    builder.environment().put("PORT", "0");
    Process process = builder.start();
    apps.add(process);
    CompletableFuture<URI> serving = new CompletableFuture<>();
    Thread.ofPlatform()
        .daemon()
        .start(
            () -> {
              try (BufferedReader out =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                  Matcher m = SERVING.matcher(line);
                  if (m.find()) {
                    serving.complete(URI.create(m.group(1)));
                  }
                }
                serving.completeExceptionally(new AssertionError("app exited before serving"));
              } catch (IOException e) {
                serving.completeExceptionally(e);
              }
            });
    return new Started(process, serving.orTimeout(60, TimeUnit.SECONDS).join());
  }
}
