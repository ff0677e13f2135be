package gifmachine.cli.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import gifmachine.cli.smoke.SmokeReport;
import gifmachine.cli.smoke.SmokeTest;
import gifmachine.cli.testing.FreePorts;
import gifmachine.infra.ImageName;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves the gifmachine image's contents run: pushes the image, pulls its layers back from the
 * registry into a directory as a container runtime would, and starts the image's entrypoint (with
 * this machine's JVM instead of the base image's) in local mode, then smoke-tests it.
 */
class ImageContentsRunIT {

  @TempDir Path directory;

  @Test
  void the_gifmachine_image_layers_start_the_app_with_the_image_entrypoint() throws Exception {
    Path root =
        ImageFixtures.repositoryRoot(Files.createDirectories(directory.resolve("checkout")));
    try (LocalRegistry registry =
        LocalRegistry.start(Files.createDirectories(directory.resolve("registry")))) {
      BaseImages bases =
          ImageFixtures.pushBases(
              registry, ImagePlatform.AMD64, Files.createDirectories(directory.resolve("bases")));
      ImagePublisher publisher =
          new ImagePublisher(
              new ImageSources(root),
              bases,
              ImagePublisher.Options.defaults(
                      ImagePlatform.AMD64, directory.resolve("work"), new ImageSources(root))
                  .withRevisions(ImageRevisions.fixed("0123abc"))
                  .withInsecureRegistries(true),
              message -> {});
      PublishedImage image =
          publisher.publish(
              ImageName.GIFMACHINE,
              registry.host() + "/run/gifmachine",
              RegistryCredentials.anonymous());

      RegistryReader reader = new RegistryReader(registry.baseUri());
      RegistryReader.Image stored = reader.image("run/gifmachine", image.digest());
      Path filesystem = Files.createDirectories(directory.resolve("rootfs"));
      for (String layer : stored.layerDigests()) {
        reader.extractLayer("run/gifmachine", layer, filesystem);
      }
      JsonNode config = stored.containerConfig();
      List<String> command = new ArrayList<>();
      config.path("Entrypoint").forEach(arg -> command.add(arg.asText()));
      assertThat(command.getFirst()).isEqualTo("java");
      command.set(0, Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.replaceAll(
          arg -> arg.startsWith("/app/") ? filesystem.resolve(arg.substring(1)).toString() : arg);

      int port = FreePorts.loopback();
      String password = "image-run-password";
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(
                  filesystem.resolve(config.path("WorkingDir").asText().substring(1)).toFile())
              .redirectErrorStream(true)
              .redirectOutput(directory.resolve("app.log").toFile());
      builder.environment().put("PORT", Integer.toString(port));
      builder.environment().put("GIFMACHINE_PASSWORD", password);
      builder.environment().put("GIFMACHINE_DATA_DIR", directory.resolve("data").toString());
      Process app = builder.start();
      try {
        URI base = URI.create("http://127.0.0.1:" + port + "/");
        awaitHealthy(base, app);
        SmokeReport report = SmokeTest.run(base, password, Duration.ofSeconds(30));
        assertThat(report.passed()).as(report.render()).isTrue();
      } finally {
        app.destroy();
        if (!app.waitFor(20, TimeUnit.SECONDS)) {
          app.destroyForcibly();
        }
      }
    }
  }

  private void awaitHealthy(URI base, Process app) throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    Instant deadline = Instant.now().plusSeconds(90);
    while (Instant.now().isBefore(deadline)) {
      if (!app.isAlive()) {
        throw new AssertionError(
            "the app from the image exited: " + Files.readString(directory.resolve("app.log")));
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
    throw new AssertionError(
        "the app from the image did not become healthy: "
            + Files.readString(directory.resolve("app.log")));
  }
}
