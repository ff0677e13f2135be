import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import gifmachine.cli.image.BaseImage;
import gifmachine.cli.image.BaseImages;
import gifmachine.infra.ImageName;
import gifmachine.cli.image.ImagePlatform;
import gifmachine.cli.image.ImagePublisher;
import gifmachine.cli.image.ImageRevisions;
import gifmachine.cli.image.ImageSources;
import gifmachine.cli.image.PublishedImage;
import gifmachine.cli.image.RegistryCredentials;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Image build + push time for all five images, through the same ImagePublisher `up` and the
 * pipeline use, to Debian's docker-registry on loopback. Two registries: "hub" holds stand-in
 * base images (no public registry is reachable here), "target" stands in for ECR, so base layers
 * are really pulled and pushed as they would be from Docker Hub to ECR.
 *
 * Run from the repository root after ./mvnw -B -pl cli -am package -DskipTests:
 *   java -cp cli/target/cli-0.1.0-SNAPSHOT-all.jar bench/images/ImagePushBench.java
 */
public class ImagePushBench {

  public static void main(String[] args) throws Exception {
    Path checkout = Path.of(".").toAbsolutePath().normalize();
    Path work = Files.createTempDirectory("image-bench");
    List<Process> registries = new ArrayList<>();
    try {
      String hub = startRegistry(work.resolve("hub"), registries);
      String target = startRegistry(work.resolve("target"), registries);
      Path root = fixtureCheckout(checkout, work.resolve("checkout"));
      System.err.println("bench: building stand-in base images in the hub registry");
      BaseImages bases = pushBases(hub, work.resolve("bases"));

      Map<ImageName, String> repositories = new EnumMap<>(ImageName.class);
      for (ImageName image : ImageName.values()) {
        repositories.put(image, target + "/bench/" + image.repositoryName());
      }
      List<String> rows = new ArrayList<>();
      rows.add(run("cold: empty registry, empty cache", root, bases, work.resolve("cache-1"), repositories));
      rows.add(run("warm: unchanged, same cache", root, bases, work.resolve("cache-1"), repositories));
      rows.add(run("unchanged, empty cache (fresh CI machine)", root, bases, work.resolve("cache-2"), repositories));
      changeOneClass(new ImageSources(root), ImageName.GIFMACHINE);
      rows.add(run("one class changed in gifmachine, same cache", root, bases, work.resolve("cache-1"), repositories));

      System.out.println("| run | total s | per image s (gifmachine, csidecar, cdepot, prometheus, grafana) | blobs uploaded |");
      System.out.println("|---|---|---|---|");
      rows.forEach(System.out::println);
      System.out.printf("%nfat jar %.1f MB -> image jars: dependencies %.1f MB + application %.1f MB (gifmachine, %s)%n",
          Files.size(new ImageSources(checkout).fatJar(ImageName.GIFMACHINE)) / 1e6,
          sizeOf(work.resolve("cache-1/jars/amd64/gifmachine/lib/gifmachine-dependencies.jar")),
          sizeOf(work.resolve("cache-1/jars/amd64/gifmachine/gifmachine.jar")), "amd64");
    } finally {
      for (Process registry : registries) {
        registry.destroy();
        registry.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  static double sizeOf(Path file) throws Exception {
    return Files.size(file) / 1e6;
  }

  static String run(String name, Path root, BaseImages bases, Path cache, Map<ImageName, String> repositories)
      throws Exception {
    ImageSources sources = new ImageSources(root);
    ImagePublisher.Options options = ImagePublisher.Options.defaults(ImagePlatform.AMD64, cache, sources)
        .withRevisions(ImageRevisions.fixed("bench")).withInsecureRegistries(true);
    ImagePublisher publisher = new ImagePublisher(sources, bases, options, System.err::println);
    List<String> perImage = new ArrayList<>();
    int blobs = 0;
    long start = System.nanoTime();
    for (Map.Entry<ImageName, String> entry : repositories.entrySet()) {
      long imageStart = System.nanoTime();
      PublishedImage image = publisher.publish(entry.getKey(), entry.getValue(), RegistryCredentials.anonymous());
      perImage.add(String.format("%.1f", (System.nanoTime() - imageStart) / 1e9));
      blobs += image.blobsPushed();
    }
    double total = (System.nanoTime() - start) / 1e9;
    return String.format("| %s | %.1f | %s | %d |", name, total, String.join(", ", perImage), blobs);
  }

  static String startRegistry(Path directory, List<Process> registries) throws Exception {
    Files.createDirectories(directory.resolve("storage"));
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    Path config = Files.writeString(directory.resolve("config.yml"), """
        version: 0.1
        log:
          level: error
        storage:
          filesystem:
            rootdirectory: %s
        http:
          addr: 127.0.0.1:%d
        """.formatted(directory.resolve("storage"), port));
    Process process = new ProcessBuilder("/usr/bin/docker-registry", "serve", config.toString())
        .redirectErrorStream(true).redirectOutput(directory.resolve("registry.log").toFile()).start();
    registries.add(process);
    HttpClient client = HttpClient.newHttpClient();
    for (int i = 0; i < 100; i++) {
      try {
        client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v2/")).build(),
            HttpResponse.BodyHandlers.discarding());
        return "127.0.0.1:" + port;
      } catch (java.io.IOException notYet) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("docker-registry did not start");
  }

  /** JRE: jlink of this JDK (about eclipse-temurin:21-jre's size); Prometheus/Grafana: Debian's prometheus binaries. */
  static BaseImages pushBases(String hub, Path directory) throws Exception {
    Files.createDirectories(directory);
    Path jre = directory.resolve("jre");
    Process jlink = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jlink").toString(),
        "--add-modules", String.join(",", "java.se", "jdk.unsupported", "jdk.crypto.ec", "jdk.zipfs",
            "jdk.localedata", "jdk.charsets", "jdk.naming.dns", "jdk.management", "jdk.jfr", "jdk.httpserver",
            "jdk.jdwp.agent"), "--strip-debug", "--no-man-pages", "--no-header-files",
        "--output", jre.toString()).inheritIO().start();
    if (jlink.waitFor() != 0) {
      throw new IllegalStateException("jlink failed");
    }
    Map<BaseImage, String> references = new EnumMap<>(BaseImage.class);
    for (BaseImage kind : BaseImage.values()) {
      FileEntriesLayer.Builder layer = FileEntriesLayer.builder().setName("base");
      switch (kind) {
        case JAVA -> layer.addEntryRecursive(jre, AbsoluteUnixPath.get("/opt/java/openjdk"));
        case PROMETHEUS -> layer.addEntry(Path.of("/usr/bin/prometheus"), AbsoluteUnixPath.get("/bin/prometheus"))
            .addEntry(Path.of("/usr/bin/promtool"), AbsoluteUnixPath.get("/bin/promtool"));
        case GRAFANA -> layer.addEntry(Path.of("/usr/bin/prometheus"), AbsoluteUnixPath.get("/usr/share/grafana/bin/grafana"))
            .addEntry(Path.of("/usr/bin/promtool"), AbsoluteUnixPath.get("/usr/share/grafana/bin/grafana-cli"));
      }
      JibContainerBuilder base = Jib.fromScratch().addFileEntriesLayer(layer.build())
          .addEnvironmentVariable("PATH", "/opt/java/openjdk/bin:/usr/bin:/bin");
      String reference = hub + "/library/" + kind.name().toLowerCase() + ":bench";
      base.containerize(Containerizer.to(RegistryImage.named(reference)).setAllowInsecureRegistries(true)
          .setBaseImageLayersCache(directory.resolve("cache")).setApplicationLayersCache(directory.resolve("cache")));
      references.put(kind, reference);
    }
    return BaseImages.references(references);
  }

  static Path fixtureCheckout(Path checkout, Path root) throws Exception {
    ImageSources real = new ImageSources(checkout);
    ImageSources fixture = new ImageSources(root);
    for (ImageName image : List.of(ImageName.GIFMACHINE, ImageName.CSIDECAR, ImageName.CDEPOT)) {
      real.check(image);
      Files.createDirectories(fixture.fatJar(image).getParent());
      Files.copy(real.fatJar(image), fixture.fatJar(image));
      Files.copy(real.thinJar(image), fixture.thinJar(image));
      if (Files.exists(real.jvmFlagsFile(image))) {
        Files.copy(real.jvmFlagsFile(image), fixture.jvmFlagsFile(image));
      }
    }
    Path monitoring = checkout.resolve("monitoring");
    if (Files.isDirectory(monitoring)) {
      copyTree(monitoring, root.resolve("monitoring"));
    } else {
      System.err.println("bench: no monitoring/ in this checkout; using a small stand-in");
      Files.createDirectories(fixture.prometheusDirectory());
      Files.writeString(fixture.prometheusDirectory().resolve("prometheus.yml"), "scrape_configs: []\n");
      Files.createDirectories(fixture.grafanaProvisioningDirectory());
      Files.createDirectories(fixture.grafanaDashboardsDirectory());
      Files.writeString(fixture.grafanaDashboardsDirectory().resolve("gifmachine.json"), "{}\n");
    }
    return root;
  }

  static void copyTree(Path from, Path to) throws Exception {
    try (var paths = Files.walk(from)) {
      for (Path path : paths.toList()) {
        Path target = to.resolve(from.relativize(path).toString());
        if (Files.isDirectory(path)) {
          Files.createDirectories(target);
        } else {
          Files.copy(path, target);
        }
      }
    }
  }

  /** Adds one class-sized entry to the module's thin and fat jars, as a one-class code change does. */
  static void changeOneClass(ImageSources sources, ImageName image) throws Exception {
    for (Path jar : List.of(sources.fatJar(image), sources.thinJar(image))) {
      Path changed = jar.resolveSibling(jar.getFileName() + ".changed");
      try (ZipFile in = new ZipFile(jar.toFile());
          OutputStream file = Files.newOutputStream(changed);
          ZipOutputStream out = new ZipOutputStream(file)) {
        for (ZipEntry entry : Collections.list(in.entries())) {
          ZipEntry copy = new ZipEntry(entry.getName());
          out.putNextEntry(copy);
          try (InputStream content = in.getInputStream(entry)) {
            content.transferTo(out);
          }
          out.closeEntry();
        }
        out.putNextEntry(new ZipEntry("gifmachine/app/BenchChange.class"));
        out.write(new byte[2048]);
        out.closeEntry();
      }
      Files.move(changed, jar, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
