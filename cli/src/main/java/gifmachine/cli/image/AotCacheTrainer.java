package gifmachine.cli.image;

import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Makes a JDK 25 AOT cache (JEP 483/514/515: the classes a start loads, already parsed and linked,
 * plus method profiles) for a Java image by one training run of the app: the split jars laid out as
 * the image has them, started with the image's JVM flags and {@code -XX:AOTCacheOutput}, sent a few
 * requests, stopped with SIGTERM (the JVM writes the cache as it exits).
 *
 * <pre>{@code
 * AotCacheTrainer trainer = new AotCacheTrainer(
 *     Path.of("/opt/base-jre/bin/java"),               // the base image's own JVM
 *     Map.of("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres",
 *            "DATABASE_SSLMODE", "disable", "GIFMACHINE_PASSWORD", "training"),
 *     List.of("/gif", "/history", "/search?q=cat"), Duration.ofMinutes(3));
 * }</pre>
 *
 * <p>A cache maps only into the JVM build that wrote it and only for the same class path, so {@code
 * java} must be the base image's own JVM (same build, same architecture), and the jars get the
 * image's paths relative to one another ({@code <module>.jar}, {@code lib/...}) and Jib's fixed
 * modification time: the JVM records each jar's size and time and finds them under another
 * directory by their common prefix. A JVM that cannot use the cache (another build, other flags)
 * says so on stderr and starts without it; it never fails for it (the default {@code
 * -XX:AOTMode=auto}, see https://openjdk.org/jeps/483 and https://openjdk.org/jeps/514).
 */
public final class AotCacheTrainer {
  /**
   * What the gifmachine training start is asked: the first request of every start ({@code GET
   * /gif}, also the sign it serves), the pages and searches people use, the load balancer's and
   * Prometheus' requests.
   */
  public static final List<String> GIFMACHINE_REQUESTS =
      List.of("/gif", "/history", "/search?q=cat", "/healthz", "/readyz", "/metrics");

  /** For the start, and again for the exit that writes the cache. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(3);

  private final Path java;
  private final Map<String, String> environment;
  private final List<String> requests;
  private final Duration timeout;

  /**
   * @param java the JVM to train with: the base image's, never this machine's by accident
   * @param environment what the app needs to start (a throwaway database, a password)
   * @param requests paths sent once the first answers 200, each twice: the workload to learn from
   * @param timeout for the start and, again, for the exit (the cache is assembled at exit)
   */
  public AotCacheTrainer(
      Path java, Map<String, String> environment, List<String> requests, Duration timeout) {
    this.java = Objects.requireNonNull(java, "java");
    this.environment = Map.copyOf(environment);
    this.requests = List.copyOf(requests);
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    if (this.requests.isEmpty()) {
      throw new IllegalArgumentException("requests: at least one path, the first answers 200");
    }
  }

  /**
   * Trains on {@code jars} and writes the cache to {@code cache}.
   *
   * @param module the image's module: its jar is {@code <module>.jar}
   * @param jvmFlags the image's entrypoint flags: the cache records some of them (GC, compressed
   *     pointers) and is refused by a JVM started with others
   * @throws ImagePublishException when the app does not start or no cache is written
   */
  public void train(FatJarSplitter.SplitJars jars, String module, List<String> jvmFlags, Path cache)
      throws IOException, ImagePublishException {
    Path work =
        Files.createDirectories(cache.toAbsolutePath().getParent().resolve(module + "-aot"));
    Path app = Files.createDirectories(work.resolve("app"));
    Path appJar = app.resolve(module + ".jar");
    place(jars.application(), appJar);
    place(jars.dependencies(), app.resolve(FatJarSplitter.dependenciesJarName(module)));
    Files.deleteIfExists(cache);
    int port = freeLoopbackPort();
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.addAll(jvmFlags);
    command.add("-XX:AOTCacheOutput=" + cache.toAbsolutePath());
    command.addAll(List.of("-jar", appJar.toString()));
    Path log = work.resolve("training.log");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(app.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    Map<String, String> env = new HashMap<>(environment);
    env.put("PORT", Integer.toString(port));
    env.putIfAbsent("GIFMACHINE_DRAIN_SECONDS", "0"); // the cache is written only at exit
    builder.environment().putAll(env);
    Process process = builder.start();
    try {
      workload(process, URI.create("http://127.0.0.1:" + port), log);
      process.destroy(); // SIGTERM: shutdown hooks run, then the JVM assembles the cache
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw failure("did not exit within " + timeout + " of SIGTERM", log);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw failure("interrupted", log);
    } finally {
      process.destroyForcibly();
    }
    if (!Files.isRegularFile(cache) || Files.size(cache) == 0) {
      throw failure("the JVM wrote no cache (it needs JDK 25 or later)", log);
    }
  }

  /** A copy with Jib's file time: the time the file has inside the image. */
  private static void place(Path jar, Path target) throws IOException {
    Files.createDirectories(target.getParent());
    Files.copy(jar, target, StandardCopyOption.REPLACE_EXISTING);
    Files.setLastModifiedTime(target, FileTime.from(FileEntriesLayer.DEFAULT_MODIFICATION_TIME));
  }

  private void workload(Process process, URI base, Path log)
      throws InterruptedException, IOException, ImagePublishException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    try {
      Instant deadline = Instant.now().plus(timeout);
      while (status(client, base.resolve(requests.getFirst())) != 200) {
        if (!process.isAlive()) {
          throw failure("the app exited with " + process.exitValue() + " during training", log);
        }
        if (Instant.now().isAfter(deadline)) {
          throw failure("the app did not answer 200 within " + timeout, log);
        }
        Thread.sleep(100);
      }
      for (int round = 0; round < 2; round++) {
        for (String path : requests) {
          status(client, base.resolve(path));
        }
      }
    } finally {
      client.close();
    }
  }

  private static int status(HttpClient client, URI uri) throws InterruptedException {
    try {
      return client
          .send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException notYet) {
      return 0;
    }
  }

  private static int freeLoopbackPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static ImagePublishException failure(String why, Path log) throws IOException {
    List<String> lines = Files.exists(log) ? Files.readAllLines(log) : List.of();
    String tail = String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    return new ImagePublishException(
        "training the AOT cache failed: "
            + why
            + "; check the training JVM and the database it was given. Last lines of "
            + log
            + ":\n"
            + tail);
  }
}
