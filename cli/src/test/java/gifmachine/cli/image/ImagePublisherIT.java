package gifmachine.cli.image;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import gifmachine.cli.image.RegistryReader.TarItem;
import gifmachine.infra.ImageName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pushes the real images (this checkout's jars, test base images) to Debian's docker-registry on
 * loopback and reads them back over the Registry HTTP API.
 */
class ImagePublisherIT {

  @TempDir static Path directory;

  static LocalRegistry registry;
  static RegistryReader reader;
  static BaseImages bases;
  static Path root;
  static List<String> progress = new ArrayList<>();

  @BeforeAll
  static void startRegistry() throws Exception {
    registry = LocalRegistry.start(Files.createDirectories(directory.resolve("registry")));
    reader = new RegistryReader(registry.baseUri());
    bases =
        ImageFixtures.pushBases(
            registry, ImagePlatform.AMD64, Files.createDirectories(directory.resolve("bases")));
    root = ImageFixtures.repositoryRoot(Files.createDirectories(directory.resolve("checkout")));
  }

  @AfterAll
  static void stopRegistry() throws Exception {
    registry.close();
  }

  private static ImagePublisher publisher(Path workDirectory, ImagePlatform platform) {
    return publisher(new ImageSources(root), workDirectory, platform);
  }

  private static ImagePublisher publisher(
      ImageSources sources, Path workDirectory, ImagePlatform platform) {
    return publisher(sources, workDirectory, platform, ImageRevisions.fixed("0123abc"));
  }

  private static ImagePublisher publisher(
      ImageSources sources, Path workDirectory, ImagePlatform platform, ImageRevisions revisions) {
    ImagePublisher.Options options =
        ImagePublisher.Options.defaults(platform, workDirectory, sources)
            .withRevisions(revisions)
            .withInsecureRegistries(true);
    return new ImagePublisher(sources, bases, options, progress::add);
  }

  private static Map<ImageName, String> repositories(String prefix) {
    Map<ImageName, String> repositories = new EnumMap<>(ImageName.class);
    for (ImageName image : ImageName.values()) {
      repositories.put(image, registry.host() + "/" + prefix + "/" + image.repositoryName());
    }
    return repositories;
  }

  private static String repositoryPath(PublishedImage image) {
    return image.repository().substring(registry.host().length() + 1);
  }

  private static List<String> names(List<TarItem> items) {
    return items.stream().map(TarItem::name).toList();
  }

  @Test
  void every_image_is_pushed_and_reads_back_with_its_digest_user_entrypoint_and_files()
      throws Exception {
    Map<ImageName, PublishedImage> published =
        publisher(directory.resolve("work-all"), ImagePlatform.AMD64)
            .publishAll(repositories("all"), RegistryCredentials.anonymous());

    assertThat(published).containsOnlyKeys(ImageName.values());
    for (PublishedImage image : published.values()) {
      RegistryReader.Image stored = reader.image(repositoryPath(image), image.digest());
      assertThat(stored.digest()).as("digest of the manifest bytes").isEqualTo(image.digest());
      assertThat(image.reference()).isEqualTo(image.repository() + "@" + image.digest());
      assertThat(image.layersPushed()).isTrue();
      assertThat(image.tags()).containsExactly("0123abc-amd64");
      assertThat(reader.image(repositoryPath(image), "0123abc-amd64").digest())
          .isEqualTo(image.digest());
      assertThat(stored.config().path("architecture").asText()).isEqualTo("amd64");
      assertThat(stored.config().path("os").asText()).isEqualTo("linux");
      JsonNode labels = stored.containerConfig().path("Labels");
      assertThat(labels.path("org.opencontainers.image.revision").asText()).isEqualTo("0123abc");
      assertThat(stored.containerConfig().path("ExposedPorts").has(image.image().port() + "/tcp"))
          .isTrue();
      assertThat(stored.config().path("created").asText()).startsWith("1970-01-01T00:00:00");
    }

    for (ImageName java : List.of(ImageName.GIFMACHINE, ImageName.CSIDECAR, ImageName.CDEPOT)) {
      PublishedImage image = published.get(java);
      String module = java.repositoryName();
      RegistryReader.Image stored = reader.image(repositoryPath(image), image.digest());
      JsonNode config = stored.containerConfig();
      assertThat(config.path("User").asText()).isEqualTo("65532:65532");
      assertThat(config.path("WorkingDir").asText()).isEqualTo("/app");
      List<String> entrypoint = new ArrayList<>();
      config.path("Entrypoint").forEach(arg -> entrypoint.add(arg.asText()));
      List<String> flags =
          java == ImageName.GIFMACHINE
              ? List.of("-XX:MaxRAMPercentage=70", "-XX:+UseSerialGC")
              : List.of("-XX:MaxRAMPercentage=75");
      List<String> expected = new ArrayList<>(List.of("java"));
      expected.addAll(flags);
      expected.addAll(List.of("-jar", "/app/" + module + ".jar"));
      assertThat(entrypoint).isEqualTo(expected);
      assertThat(config.path("Cmd").isEmpty()).as("base image CMD dropped").isTrue();

      List<String> layers = stored.layerDigests();
      assertThat(layers).hasSize(3); // base, dependencies, application
      assertThat(names(reader.layerContents(repositoryPath(image), layers.get(0))))
          .contains("etc/base-image");
      assertThat(names(reader.layerContents(repositoryPath(image), layers.get(1))))
          .contains("app/lib/" + module + "-dependencies.jar")
          .doesNotContain("app/" + module + ".jar");
      List<TarItem> application = reader.layerContents(repositoryPath(image), layers.get(2));
      assertThat(names(application))
          .contains("app/" + module + ".jar")
          .noneMatch(name -> name.contains("dependencies"));
      assertThat(application)
          .filteredOn(item -> item.name().equals("app/" + module + ".jar"))
          .singleElement()
          .satisfies(jar -> assertThat(jar.mode()).isEqualTo(0644));
    }

    PublishedImage prometheus = published.get(ImageName.PROMETHEUS);
    RegistryReader.Image prometheusImage =
        reader.image(repositoryPath(prometheus), prometheus.digest());
    assertThat(prometheusImage.containerConfig().path("User").asText())
        .as("base user kept")
        .isEqualTo("nobody");
    assertThat(prometheusImage.containerConfig().path("Entrypoint").get(0).asText())
        .isEqualTo("/bin/prometheus");
    assertThat(
            names(
                reader.layerContents(
                    repositoryPath(prometheus), prometheusImage.layerDigests().getLast())))
        .contains("etc/prometheus/prometheus.yml", "etc/prometheus/rules/gifmachine.yml");

    PublishedImage grafana = published.get(ImageName.GRAFANA);
    RegistryReader.Image grafanaImage = reader.image(repositoryPath(grafana), grafana.digest());
    assertThat(grafanaImage.containerConfig().path("User").asText()).isEqualTo("472");
    List<TarItem> grafanaFiles =
        reader.layerContents(repositoryPath(grafana), grafanaImage.layerDigests().getLast());
    assertThat(names(grafanaFiles))
        .contains(
            "etc/grafana/provisioning/datasources/prometheus.yml",
            "var/lib/grafana/dashboards/gifmachine.json");
    assertThat(grafanaFiles)
        .filteredOn(item -> item.name().equals("var/lib/grafana/"))
        .as("Grafana's data directory stays writable by uid 472")
        .singleElement()
        .satisfies(
            dir -> {
              assertThat(dir.uid()).isEqualTo(472);
              assertThat(dir.mode()).isEqualTo(0777);
            });
  }

  @Test
  void a_committed_revision_already_in_the_registry_is_neither_built_nor_pushed_again()
      throws Exception {
    Map<ImageName, String> repository =
        Map.of(ImageName.CSIDECAR, repositories("again").get(ImageName.CSIDECAR));
    String path = "again/csidecar";
    PublishedImage first =
        publisher(directory.resolve("work-again-1"), ImagePlatform.AMD64)
            .publishAll(repository, RegistryCredentials.anonymous())
            .get(ImageName.CSIDECAR);
    long uploadsAfterFirst = registry.uploadsTo(path);
    long manifestsAfterFirst = registry.manifestPushesTo(path);
    assertThat(uploadsAfterFirst).isEqualTo(first.blobsPushed()).isPositive();

    PublishedImage again =
        publisher(directory.resolve("work-again-2"), ImagePlatform.AMD64)
            .publishAll(repository, RegistryCredentials.anonymous())
            .get(ImageName.CSIDECAR);

    assertThat(again.digest()).isEqualTo(first.digest());
    assertThat(again.blobsPushed()).isZero();
    assertThat(registry.uploadsTo(path))
        .as("blob uploads the registry saw")
        .isEqualTo(uploadsAfterFirst);
    assertThat(registry.manifestPushesTo(path))
        .as("no second push of the tag, which an immutable ECR repository refuses")
        .isEqualTo(manifestsAfterFirst);
  }

  @Test
  void
      an_uncommitted_rebuild_gets_a_new_tag_but_the_same_digest_and_uploads_nothing_even_with_an_empty_cache()
          throws Exception {
    Map<ImageName, String> repository =
        Map.of(ImageName.CDEPOT, repositories("dirty").get(ImageName.CDEPOT));
    ImageSources sources = new ImageSources(root);
    java.time.Instant nine = java.time.Instant.parse("2026-12-01T09:00:00Z");
    PublishedImage first =
        publisher(
                sources,
                directory.resolve("work-dirty-1"),
                ImagePlatform.AMD64,
                image -> ImageRevision.uncommitted("0123abc", nine))
            .publishAll(repository, RegistryCredentials.anonymous())
            .get(ImageName.CDEPOT);
    long uploadsAfterFirst = registry.uploadsTo("dirty/cdepot");

    PublishedImage second =
        publisher(
                sources,
                directory.resolve("work-dirty-2"),
                ImagePlatform.AMD64,
                image -> ImageRevision.uncommitted("0123abc", nine.plusSeconds(60)))
            .publishAll(repository, RegistryCredentials.anonymous())
            .get(ImageName.CDEPOT);

    assertThat(first.tags()).containsExactly("0123abc-dirty-20261201T090000Z-amd64");
    assertThat(second.tags()).containsExactly("0123abc-dirty-20261201T090100Z-amd64");
    assertThat(second.digest()).isEqualTo(first.digest());
    assertThat(second.blobsPushed()).isZero();
    assertThat(registry.uploadsTo("dirty/cdepot")).isEqualTo(uploadsAfterFirst);
    assertThat(reader.image("dirty/cdepot", "0123abc-dirty-20261201T090100Z-amd64").digest())
        .isEqualTo(first.digest());
  }

  @Test
  void a_changed_application_jar_uploads_only_the_application_layer_and_the_config()
      throws Exception {
    ImageSources sources = new ImageSources(root);
    String uri = repositories("change").get(ImageName.CDEPOT);
    java.util.concurrent.atomic.AtomicReference<String> commit =
        new java.util.concurrent.atomic.AtomicReference<>("1111aaa");
    ImagePublisher publisher =
        publisher(
            sources,
            directory.resolve("work-change"),
            ImagePlatform.AMD64,
            image -> ImageRevision.committed(commit.get()));
    PublishedImage before =
        publisher.publish(ImageName.CDEPOT, uri, RegistryCredentials.anonymous());
    long uploadsBefore = registry.uploadsTo("change/cdepot");

    ImageFixtures.changeApplication(sources, ImageName.CDEPOT, "One");
    commit.set("2222bbb");
    PublishedImage after =
        publisher.publish(ImageName.CDEPOT, uri, RegistryCredentials.anonymous());

    assertThat(after.digest()).isNotEqualTo(before.digest());
    List<String> layersBefore = reader.image("change/cdepot", before.digest()).layerDigests();
    List<String> layersAfter = reader.image("change/cdepot", after.digest()).layerDigests();
    assertThat(layersAfter.subList(0, 2))
        .as("base and dependencies")
        .isEqualTo(layersBefore.subList(0, 2));
    assertThat(layersAfter.get(2)).isNotEqualTo(layersBefore.get(2));
    assertThat(after.blobsPushed()).as("application layer + config").isEqualTo(2);
    assertThat(registry.uploadsTo("change/cdepot") - uploadsBefore).isEqualTo(2);
  }

  @Test
  void a_graviton_deployment_gets_arm64_images() throws Exception {
    Path work = Files.createDirectories(directory.resolve("work-arm"));
    BaseImages armBases = ImageFixtures.pushBases(registry, ImagePlatform.ARM64, work);
    ImagePublisher.Options options =
        ImagePublisher.Options.defaults(
                ImagePlatform.forDeployment(true), work, new ImageSources(root))
            .withRevisions(ImageRevisions.fixed("0123abc"))
            .withInsecureRegistries(true);
    PublishedImage image =
        new ImagePublisher(new ImageSources(root), armBases, options, progress::add)
            .publish(
                ImageName.CDEPOT, registry.host() + "/arm/cdepot", RegistryCredentials.anonymous());

    assertThat(reader.image("arm/cdepot", image.digest()).config().path("architecture").asText())
        .isEqualTo("arm64");
    assertThat(reader.image("arm/cdepot", "0123abc-arm64").digest()).isEqualTo(image.digest());
  }

  @Test
  void the_platform_is_picked_out_of_a_multi_architecture_base() throws Exception {
    Path work = Files.createDirectories(directory.resolve("work-multi"));
    BaseImages multi = ImageFixtures.pushMultiPlatformJavaBase(registry, work.resolve("base"));
    JsonNode list = reader.index("base/java-multi", "21");
    assertThat(list.path("manifests")).as("the base is a manifest list").hasSize(2);

    for (ImagePlatform platform : ImagePlatform.values()) {
      ImagePublisher.Options options =
          ImagePublisher.Options.defaults(
                  platform, work.resolve(platform.name()), new ImageSources(root))
              .withRevisions(ImageRevisions.fixed("0123abc"))
              .withInsecureRegistries(true);
      PublishedImage image =
          new ImagePublisher(new ImageSources(root), multi, options, progress::add)
              .publish(
                  ImageName.CSIDECAR,
                  registry.host() + "/multi/csidecar-" + platform.architecture(),
                  RegistryCredentials.anonymous());
      RegistryReader.Image stored =
          reader.image("multi/csidecar-" + platform.architecture(), image.digest());
      assertThat(stored.config().path("architecture").asText()).isEqualTo(platform.architecture());
      assertThat(stored.manifest().has("layers"))
          .as("a single-platform image, not a list")
          .isTrue();
    }
  }

  @Test
  void missing_jars_fail_before_any_push_with_the_command_that_builds_them() throws Exception {
    Path empty = Files.createDirectories(directory.resolve("empty-checkout"));
    ImagePublisher publisher =
        publisher(new ImageSources(empty), directory.resolve("work-empty"), ImagePlatform.AMD64);

    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> publisher.publishAll(repositories("none"), RegistryCredentials.anonymous()))
        .isInstanceOf(ImagePublishException.class)
        .hasMessageContaining("building the gifmachine image failed: ")
        .hasMessageContaining("gifmachine-0.1.0-SNAPSHOT-all.jar does not exist")
        .hasMessageContaining("./mvnw -B -pl gifmachine -am package");
    assertThat(registry.uploadsTo("none/gifmachine")).isZero();
  }
}
