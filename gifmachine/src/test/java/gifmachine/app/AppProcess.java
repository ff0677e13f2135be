package gifmachine.app;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link Main} in a JVM of its own, as the image runs it: for tests that kill the app, or that need
 * its heap limited and separate from the test's.
 */
record AppProcess(Process process, URI base) implements AutoCloseable {
  private static final Pattern SERVING = Pattern.compile("gifmachine: serving (http://\\S+)");

  /**
   * Starts {@code Main} with {@code env} (on top of ours, without any DATABASE_*) and waits until
   * it serves.
   */
  static AppProcess start(Map<String, String> env, String... jvmFlags) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(List.of(jvmFlags));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
    return launch(command, env);
  }

  /** As {@link #start}, from a runnable jar: e.g. an earlier build, for a before and after. */
  static AppProcess startJar(Path jar, Map<String, String> env) throws IOException {
    return launch(
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx256m",
            "-jar",
            jar.toString()),
        env);
  }

  private static AppProcess launch(List<String> command, Map<String, String> env)
      throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(name -> name.startsWith("DATABASE_"));
    builder.environment().put("PORT", "0");
    builder.environment().putAll(env);
    Process process = builder.start();
    CompletableFuture<URI> serving = new CompletableFuture<>();
    Thread.ofPlatform()
        .daemon()
        .start(
            () -> {
              // Reads the output to the end, so a chatty app never blocks on a full pipe.
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
    try {
      return new AppProcess(process, serving.orTimeout(60, TimeUnit.SECONDS).join());
    } catch (RuntimeException e) {
      process.destroyForcibly();
      throw e;
    }
  }

  /** SIGTERM to its pid, as ECS sends when it stops a task. */
  void terminate() {
    if (!ProcessHandle.of(process.pid()).orElseThrow().destroy()) {
      throw new AssertionError("SIGTERM to " + process.pid() + " was not sent");
    }
  }

  /** Waits for the process to exit and returns its exit code. */
  int awaitExit(java.time.Duration atMost) throws InterruptedException {
    if (!process.waitFor(atMost.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("gifmachine still running " + atMost + " after SIGTERM");
    }
    return process.exitValue();
  }

  /** SIGTERM, so the shutdown hook stops the app (and its PostgreSQL); SIGKILL if it hangs. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
