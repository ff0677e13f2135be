package gifmachine.cli.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gifmachine.cli.testing.FreePorts;
import gifmachine.infra.ImageName;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gifmachine image with a JDK AOT cache: trained on the image's own jars by this machine's JDK
 * 25 (standing in for the base image's JVM), pushed to the test registry, pulled back out, and
 * started with the image's entrypoint from another directory than the training's. The JVM maps the
 * cache and loads the app's classes from it; a cache from another JVM build is refused with a
 * warning and the app starts without it.
 */
class AotCacheImageIT {

  private static final String CLASS_FROM_CACHE =
      "gifmachine.app.Gifmachine source: shared objects file";

  @TempDir Path directory;

  @Test
  void the_image_starts_from_its_aot_cache_and_still_starts_when_the_cache_is_from_another_jvm()
      throws Exception {
    ImagePlatform here = ImagePlatform.parse(System.getProperty("os.arch")).orElseThrow();
    Path root =
        ImageFixtures.repositoryRoot(Files.createDirectories(directory.resolve("checkout")));
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    AotCacheTrainer trainer =
        new AotCacheTrainer(
            java,
            Map.of(
                "GIFMACHINE_PASSWORD",
                "training",
                "GIFMACHINE_DATA_DIR",
                directory.resolve("training-data").toString()),
            AotCacheTrainer.GIFMACHINE_REQUESTS,
            Duration.ofSeconds(120));
    try (LocalRegistry registry =
        LocalRegistry.start(Files.createDirectories(directory.resolve("registry")))) {
      BaseImages bases =
          ImageFixtures.pushBases(
              registry, here, Files.createDirectories(directory.resolve("bases")));
      ImagePublisher publisher =
          new ImagePublisher(
              new ImageSources(root),
              bases,
              ImagePublisher.Options.defaults(
                      here, directory.resolve("work"), new ImageSources(root))
                  .withRevisions(ImageRevisions.fixed("0123abc"))
                  .withInsecureRegistries(true)
                  .withAotCache(ImageName.GIFMACHINE, trainer),
              message -> {});
      PublishedImage image =
          publisher.publish(
              ImageName.GIFMACHINE,
              registry.host() + "/aot/gifmachine",
              RegistryCredentials.anonymous());
      ExtractedImage extracted =
          ExtractedImage.pull(
              registry, "aot/gifmachine", image.digest(), directory.resolve("rootfs"));

      assertThat(extracted.entrypoint())
          .containsSubsequence(
              "java", "-XX:AOTCache=/app/gifmachine.aot", "-jar", "/app/gifmachine.jar");
      Path cache = extracted.filesystem().resolve("app/gifmachine.aot");
      assertThat(cache).isRegularFile();

      String used = startAndGetGif(extracted, "used.log");
      assertThat(used).contains(CLASS_FROM_CACHE).doesNotContain("Unable to map shared spaces");

      // The header names the JVM build that wrote the cache: another build must refuse it.
      byte[] bytes = Files.readAllBytes(cache);
      String vm = System.getProperty("java.vm.version");
      int at = new String(bytes, StandardCharsets.ISO_8859_1).indexOf("(" + vm + ")");
      assertThat(at).as("the cache header names %s", vm).isPositive();
      bytes[at + 1] = (byte) (bytes[at + 1] == '9' ? '8' : '9');
      Files.write(cache, bytes);
      String refused = startAndGetGif(extracted, "refused.log");
      assertThat(refused)
          .contains("The AOT cache was created by a different version or build of HotSpot")
          .doesNotContain(CLASS_FROM_CACHE)
          .contains("gifmachine.app.Gifmachine source: file:");
    }
  }

  @Test
  void training_for_another_architecture_is_refused_before_anything_is_pushed() throws Exception {
    ImagePlatform here = ImagePlatform.parse(System.getProperty("os.arch")).orElseThrow();
    ImagePlatform other = here == ImagePlatform.AMD64 ? ImagePlatform.ARM64 : ImagePlatform.AMD64;
    Path root =
        ImageFixtures.repositoryRoot(Files.createDirectories(directory.resolve("checkout")));
    ImageSources sources = new ImageSources(root);
    ImagePublisher publisher =
        new ImagePublisher(
            sources,
            kind -> ImageFixtures.scratchBase(kind, other, directory.resolve("bases")),
            // no .git in the fixture: an uncommitted revision, so no registry is even asked
            ImagePublisher.Options.defaults(other, directory.resolve("work"), sources)
                .withAotCache(
                    ImageName.GIFMACHINE,
                    new AotCacheTrainer(
                        Path.of(System.getProperty("java.home"), "bin", "java"),
                        Map.of(),
                        AotCacheTrainer.GIFMACHINE_REQUESTS,
                        Duration.ofSeconds(1))),
            message -> {});

    assertThatThrownBy(
            () ->
                publisher.publish(
                    ImageName.GIFMACHINE,
                    "127.0.0.1:1/aot/gifmachine",
                    RegistryCredentials.anonymous()))
        .isInstanceOf(ImagePublishException.class)
        .hasMessageContaining(
            "training the AOT cache of the gifmachine image failed: the image is for "
                + other.label())
        .hasMessageContaining("build on a " + other.architecture() + " machine");
  }

  /** Starts the image, asks for {@code GET /gif} (200), stops it, returns its output. */
  private String startAndGetGif(ExtractedImage extracted, String logName) throws Exception {
    int port = FreePorts.loopback();
    Path log = directory.resolve(logName);
    Process app =
        extracted.start(
            List.of("-Xlog:class+load=info"),
            Map.of(
                "PORT", Integer.toString(port),
                "GIFMACHINE_PASSWORD", "image-aot-password",
                "GIFMACHINE_DATA_DIR", directory.resolve("data").toString()),
            log);
    try {
      URI base = URI.create("http://127.0.0.1:" + port + "/");
      ExtractedImage.awaitHealthy(base, app, log);
      try (HttpClient client = HttpClient.newHttpClient()) {
        assertThat(
                client
                    .send(
                        HttpRequest.newBuilder(base.resolve("gif")).build(),
                        HttpResponse.BodyHandlers.discarding())
                    .statusCode())
            .isEqualTo(200);
      }
    } finally {
      ExtractedImage.stop(app);
    }
    return Files.readString(log);
  }
}
