package gifmachine.cli.image;

import gifmachine.infra.ImageName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Finds every image's inputs in a checkout of this repository: the modules' jars (built by {@code
 * ./mvnw package}), their {@code jvm-flags.txt}, and {@code monitoring/}. The launcher runs from a
 * checkout, so the repository root is the working directory unless told otherwise.
 *
 * <pre>{@code
 * ImageSources sources = new ImageSources(Path.of("."));
 * Path jar = sources.fatJar(ImageName.GIFMACHINE); // gifmachine/target/gifmachine-0.1.0-SNAPSHOT-all.jar
 * }</pre>
 */
public record ImageSources(Path repositoryRoot) {

  /** The Maven version of the modules whose jars go into the images. */
  public static final String VERSION = "0.1.0-SNAPSHOT";

  /** JVM flags when a module has no {@code jvm-flags.txt}: size the heap from the container. */
  public static final List<String> DEFAULT_JVM_FLAGS = List.of("-XX:MaxRAMPercentage=75");

  public ImageSources {
    repositoryRoot = repositoryRoot.toAbsolutePath().normalize();
  }

  /** The runnable jar with every dependency, {@code <module>/target/<module>-VERSION-all.jar}. */
  public Path fatJar(ImageName image) {
    String module = module(image);
    return repositoryRoot
        .resolve(module)
        .resolve("target")
        .resolve(module + "-" + VERSION + "-all.jar");
  }

  /** The module's own classes and resources, {@code <module>/target/<module>-VERSION.jar}. */
  public Path thinJar(ImageName image) {
    String module = module(image);
    return repositoryRoot
        .resolve(module)
        .resolve("target")
        .resolve(module + "-" + VERSION + ".jar");
  }

  /** Where the code that builds images, and the base image pins ({@link BaseImages}), live. */
  static final String BUILDER_SOURCES = "cli/src/main/java/gifmachine/cli/image";

  /** The list of images with their ports, which the images expose. */
  static final String IMAGE_LIST = "infra/src/main/java/gifmachine/infra/ImageName.java";

  /** The repository directory an image's inputs come from: its module, or {@code monitoring}. */
  public static String module(ImageName image) {
    return switch (image) {
      case GIFMACHINE, CSIDECAR, CDEPOT -> image.repositoryName();
      case PROMETHEUS, GRAFANA -> "monitoring";
    };
  }

  /**
   * The git pathspecs of everything that goes into {@code image}: its module (without its tests) or
   * its monitoring files, the root {@code pom.xml} (dependency versions), the image builder with
   * the pinned base images, and the image list with the exposed ports. The image's revision is the
   * last commit that touched one of these, so a change elsewhere leaves its digest, and its
   * service, alone.
   */
  public List<String> sourcePaths(ImageName image) {
    List<String> own =
        switch (BaseImage.of(image)) {
          case JAVA ->
              List.of(module(image), ":(exclude)" + module(image) + "/src/test", "pom.xml");
          case PROMETHEUS -> List.of("monitoring/prometheus");
          case GRAFANA -> List.of("monitoring/grafana");
        };
    return java.util.stream.Stream.concat(
            own.stream(), java.util.stream.Stream.of(BUILDER_SOURCES, IMAGE_LIST))
        .toList();
  }

  /** {@code <module>/jvm-flags.txt}: one flag per line, {@code #} comments. */
  public Path jvmFlagsFile(ImageName image) {
    return repositoryRoot.resolve(module(image)).resolve("jvm-flags.txt");
  }

  public Path prometheusDirectory() {
    return repositoryRoot.resolve("monitoring/prometheus");
  }

  public Path grafanaProvisioningDirectory() {
    return repositoryRoot.resolve("monitoring/grafana/provisioning");
  }

  public Path grafanaDashboardsDirectory() {
    return repositoryRoot.resolve("monitoring/grafana/dashboards");
  }

  /** The flags from {@code jvm-flags.txt}, or {@link #DEFAULT_JVM_FLAGS} if there is none. */
  public List<String> jvmFlags(ImageName image) throws ImagePublishException {
    Path file = jvmFlagsFile(image);
    if (!Files.isRegularFile(file)) {
      return DEFAULT_JVM_FLAGS;
    }
    try {
      List<String> flags =
          Files.readAllLines(file).stream()
              .map(line -> line.replaceFirst("#.*", "").strip())
              .filter(line -> !line.isEmpty())
              .toList();
      for (String flag : flags) {
        if (!flag.startsWith("-") || flag.chars().anyMatch(Character::isWhitespace)) {
          throw new ImagePublishException(
              "reading "
                  + repositoryRoot.relativize(file)
                  + " failed: '"
                  + flag
                  + "' is not one JVM flag (one flag per line, each starting with '-')");
        }
      }
      return flags;
    } catch (IOException e) {
      throw new ImagePublishException("reading " + file + " failed: " + e.getMessage(), e);
    }
  }

  /** Fails with what is missing and how to make it, before any image work starts. */
  public void check(ImageName image) throws ImagePublishException {
    List<Path> needed =
        switch (BaseImage.of(image)) {
          case JAVA -> List.of(fatJar(image), thinJar(image));
          case PROMETHEUS -> List.of(prometheusDirectory());
          case GRAFANA -> List.of(grafanaProvisioningDirectory(), grafanaDashboardsDirectory());
        };
    for (Path path : needed) {
      if (!Files.exists(path)) {
        String fix =
            BaseImage.of(image) == BaseImage.JAVA
                ? "build the jars first: ./mvnw -B -pl "
                    + module(image)
                    + " -am package -DskipTests"
                : "run from a checkout of gifmachine-on-aws (--repository-root) that has monitoring/";
        throw new ImagePublishException(
            "building the "
                + image.repositoryName()
                + " image failed: "
                + path
                + " does not exist; "
                + fix);
      }
    }
  }
}
