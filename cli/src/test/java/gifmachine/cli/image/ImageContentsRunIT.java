package gifmachine.cli.image;

import static org.assertj.core.api.Assertions.assertThat;

import gifmachine.cli.smoke.SmokeReport;
import gifmachine.cli.smoke.SmokeTest;
import gifmachine.cli.testing.FreePorts;
import gifmachine.infra.ImageName;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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

      ExtractedImage extracted =
          ExtractedImage.pull(
              registry, "run/gifmachine", image.digest(), directory.resolve("rootfs"));
      int port = FreePorts.loopback();
      String password = "image-run-password";
      Path log = directory.resolve("app.log");
      Process app =
          extracted.start(
              List.of(),
              Map.of(
                  "PORT",
                  Integer.toString(port),
                  "GIFMACHINE_PASSWORD",
                  password,
                  "GIFMACHINE_DATA_DIR",
                  directory.resolve("data").toString()),
              log);
      try {
        URI base = URI.create("http://127.0.0.1:" + port + "/");
        ExtractedImage.awaitHealthy(base, app, log);
        SmokeReport report = SmokeTest.run(base, password, Duration.ofSeconds(30));
        assertThat(report.passed()).as(report.render()).isTrue();
      } finally {
        ExtractedImage.stop(app);
      }
    }
  }
}
