package gifmachine.cli.image;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import gifmachine.infra.ImageName;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Inputs for image tests: a repository root in a temp directory whose module jars come from this
 * checkout's {@code target/} folders (built by {@code package} before the cli module's tests), with
 * a {@code monitoring/} tree of its own; and base images pushed to the test registry, since tests
 * reach no public registry.
 */
final class ImageFixtures {

  static final String GIFMACHINE_FLAGS =
      "# test flags\n-XX:MaxRAMPercentage=70\n\n-XX:+UseSerialGC  # small heap\n";

  private ImageFixtures() {}

  /** The checkout this test runs in: the cli module's parent directory. */
  static Path checkout() {
    return Path.of("").toAbsolutePath().getParent();
  }

  /** Fails with the command to run when {@code package} has not built the jars. */
  static void requireBuiltJars() {
    ImageSources real = new ImageSources(checkout());
    for (ImageName image :
        new ImageName[] {ImageName.GIFMACHINE, ImageName.CSIDECAR, ImageName.CDEPOT}) {
      for (Path jar : new Path[] {real.fatJar(image), real.thinJar(image)}) {
        if (!Files.isRegularFile(jar)) {
          throw new IllegalStateException(
              jar
                  + " is missing: run the cli tests in a reactor that packages "
                  + "the modules first, e.g. ./mvnw -pl cli -am verify");
        }
      }
    }
  }

  static Path repositoryRoot(Path directory) throws IOException {
    requireBuiltJars();
    ImageSources real = new ImageSources(checkout());
    ImageSources fixture = new ImageSources(directory);
    for (ImageName image :
        new ImageName[] {ImageName.GIFMACHINE, ImageName.CSIDECAR, ImageName.CDEPOT}) {
      Files.createDirectories(fixture.fatJar(image).getParent());
      if (image == ImageName.CDEPOT) {
        // Copied, not linked: tests change this one.
        Files.copy(real.fatJar(image), fixture.fatJar(image));
        Files.copy(real.thinJar(image), fixture.thinJar(image));
      } else {
        Files.createSymbolicLink(fixture.fatJar(image), real.fatJar(image));
        Files.createSymbolicLink(fixture.thinJar(image), real.thinJar(image));
      }
    }
    Files.writeString(fixture.jvmFlagsFile(ImageName.GIFMACHINE), GIFMACHINE_FLAGS);
    Path prometheus = Files.createDirectories(fixture.prometheusDirectory().resolve("rules"));
    Files.writeString(
        fixture.prometheusDirectory().resolve("prometheus.yml"), "scrape_configs: []\n");
    Files.writeString(prometheus.resolve("gifmachine.yml"), "groups: []\n");
    Path datasources =
        Files.createDirectories(fixture.grafanaProvisioningDirectory().resolve("datasources"));
    Files.writeString(datasources.resolve("prometheus.yml"), "apiVersion: 1\n");
    Files.createDirectories(fixture.grafanaDashboardsDirectory());
    Files.writeString(fixture.grafanaDashboardsDirectory().resolve("gifmachine.json"), "{}\n");
    return directory;
  }

  /** Adds one class-like entry to a module's thin and fat jar: a one-class application change. */
  static void changeApplication(ImageSources sources, ImageName image, String marker)
      throws IOException {
    String name = "gifmachine/" + image.repositoryName() + "/Changed" + marker + ".class";
    for (Path jar : new Path[] {sources.fatJar(image), sources.thinJar(image)}) {
      Path changed = jar.resolveSibling(jar.getFileName() + ".changed");
      try (ZipFile in = new ZipFile(jar.toFile());
          OutputStream file = Files.newOutputStream(changed);
          ZipOutputStream out = new ZipOutputStream(file)) {
        for (ZipEntry entry : Collections.list(in.entries())) {
          out.putNextEntry(new ZipEntry(entry.getName()));
          try (InputStream content = in.getInputStream(entry)) {
            content.transferTo(out);
          }
          out.closeEntry();
        }
        out.putNextEntry(new ZipEntry(name));
        out.write(marker.getBytes());
        out.closeEntry();
      }
      Files.move(changed, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * Pushes three tiny base images (scratch plus a marker file, with the user, entrypoint and CMD of
   * the real ones) to the registry and returns them as {@link BaseImages}.
   */
  static BaseImages pushBases(LocalRegistry registry, ImagePlatform platform, Path directory)
      throws Exception {
    Map<BaseImage, String> references = new EnumMap<>(BaseImage.class);
    for (BaseImage kind : BaseImage.values()) {
      String reference =
          registry.host() + "/base/" + kind.name().toLowerCase() + ":" + platform.architecture();
      Containerizer to =
          Containerizer.to(RegistryImage.named(reference))
              .setAllowInsecureRegistries(true)
              .setBaseImageLayersCache(directory.resolve("cache"))
              .setApplicationLayersCache(directory.resolve("cache"));
      scratchBase(kind, platform, directory).containerize(to);
      references.put(kind, reference);
    }
    return BaseImages.references(references);
  }

  /**
   * One Java base for both architectures under one tag (a manifest list, as {@code
   * eclipse-temurin:21-jre} is), each platform with its own marker file.
   */
  static BaseImages pushMultiPlatformJavaBase(LocalRegistry registry, Path directory)
      throws Exception {
    String reference = registry.host() + "/base/java-multi:21";
    Path marker =
        Files.writeString(
            Files.createDirectories(directory).resolve("multi-marker"), "multi-arch base\n");
    Jib.fromScratch()
        .addPlatform("amd64", "linux")
        .addPlatform("arm64", "linux")
        .addFileEntriesLayer(
            FileEntriesLayer.builder()
                .setName("base")
                .addEntry(marker, AbsoluteUnixPath.get("/etc/base-image"))
                .build())
        .setProgramArguments("jshell")
        .containerize(
            Containerizer.to(RegistryImage.named(reference))
                .setAllowInsecureRegistries(true)
                .setBaseImageLayersCache(directory.resolve("cache"))
                .setApplicationLayersCache(directory.resolve("cache")));
    return kind -> Jib.from(RegistryImage.named(reference));
  }

  /** A base built in memory: for registries the test cannot pull from anonymously. */
  static JibContainerBuilder scratchBase(BaseImage kind, ImagePlatform platform, Path directory)
      throws IOException {
    Path marker =
        Files.writeString(
            Files.createDirectories(directory.resolve("markers")).resolve(kind.name()),
            "base " + kind + "\n");
    JibContainerBuilder base =
        Jib.fromScratch()
            .addPlatform(platform.architecture(), "linux")
            .addFileEntriesLayer(
                FileEntriesLayer.builder()
                    .setName("base")
                    .addEntry(marker, AbsoluteUnixPath.get("/etc/base-image"))
                    .build())
            .addEnvironmentVariable("PATH", "/opt/java/openjdk/bin:/usr/bin:/bin");
    return switch (kind) {
      case JAVA -> base.setProgramArguments("jshell");
      case PROMETHEUS ->
          base.setUser("nobody")
              .setEntrypoint("/bin/prometheus")
              .setProgramArguments("--config.file=/etc/prometheus/prometheus.yml");
      case GRAFANA -> base.setUser("472").setEntrypoint("/run.sh");
    };
  }
}
