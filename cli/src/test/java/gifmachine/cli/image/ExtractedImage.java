package gifmachine.cli.image;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An image's layers pulled back out of the test registry into a directory, as a container runtime
 * would unpack them, and its entrypoint started from there with this machine's JVM in place of the
 * base image's ({@code /app/...} arguments pointed into the directory).
 */
record ExtractedImage(Path filesystem, JsonNode config) {

  static ExtractedImage pull(LocalRegistry registry, String repository, String digest, Path into)
      throws IOException, InterruptedException {
    RegistryReader reader = new RegistryReader(registry.baseUri());
    RegistryReader.Image stored = reader.image(repository, digest);
    Path filesystem = Files.createDirectories(into);
    for (String layer : stored.layerDigests()) {
      reader.extractLayer(repository, layer, filesystem);
    }
    return new ExtractedImage(filesystem, stored.containerConfig());
  }

  List<String> entrypoint() {
    List<String> command = new ArrayList<>();
    config.path("Entrypoint").forEach(arg -> command.add(arg.asText()));
    return command;
  }

  /** Starts the entrypoint with {@code extraJvmFlags} after {@code java}, output to {@code log}. */
  Process start(List<String> extraJvmFlags, Map<String, String> environment, Path log)
      throws IOException {
    List<String> command = entrypoint();
    if (!command.getFirst().equals("java")) {
      throw new AssertionError("the entrypoint does not start with java: " + command);
    }
    command.set(0, Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.replaceAll(
        arg -> {
          int app = arg.indexOf("/app/");
          return app < 0 ? arg : arg.substring(0, app) + filesystem.resolve(arg.substring(app + 1));
        });
    command.addAll(1, extraJvmFlags);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(filesystem.resolve(config.path("WorkingDir").asText().substring(1)).toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().putAll(environment);
    return builder.start();
  }

  /** Waits up to 90 s for {@code GET /healthz} to answer 200; fails with the app's output. */
  static void awaitHealthy(URI base, Process app, Path log) throws Exception {
    try (HttpClient client = HttpClient.newHttpClient()) {
      Instant deadline = Instant.now().plusSeconds(90);
      while (Instant.now().isBefore(deadline)) {
        if (!app.isAlive()) {
          throw new AssertionError("the app from the image exited: " + Files.readString(log));
        }
        try {
          if (client
                  .send(
                      HttpRequest.newBuilder(base.resolve("healthz")).build(),
                      HttpResponse.BodyHandlers.discarding())
                  .statusCode()
              == 200) {
            return;
          }
        } catch (IOException notYet) {
          // still starting
        }
        Thread.sleep(250);
      }
    }
    throw new AssertionError(
        "the app from the image did not become healthy: " + Files.readString(log));
  }

  static void stop(Process app) throws InterruptedException {
    app.destroy();
    if (!app.waitFor(20, TimeUnit.SECONDS)) {
      app.destroyForcibly();
    }
  }
}
