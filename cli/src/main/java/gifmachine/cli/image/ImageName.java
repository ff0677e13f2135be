package gifmachine.cli.image;

import gifmachine.infra.StackOutputs;
import java.util.Locale;
import java.util.Optional;

/**
 * The five container images of a deployment. Three are our Java services (base JRE + the
 * module's jar), two are the official Prometheus and Grafana images with our configuration
 * added. {@link #repositoryName()} is the last path segment of each ECR repository URI.
 */
public enum ImageName {
  GIFMACHINE(BaseImage.JAVA, "gifmachine", 4567, StackOutputs.GIFMACHINE_REPOSITORY_URI),
  CSIDECAR(BaseImage.JAVA, "csidecar", 8080, StackOutputs.CSIDECAR_REPOSITORY_URI),
  CDEPOT(BaseImage.JAVA, "cdepot", 8002, StackOutputs.CDEPOT_REPOSITORY_URI),
  PROMETHEUS(BaseImage.PROMETHEUS, "monitoring", 9090, StackOutputs.PROMETHEUS_REPOSITORY_URI),
  GRAFANA(BaseImage.GRAFANA, "monitoring", 3000, StackOutputs.GRAFANA_REPOSITORY_URI);

  private final BaseImage base;
  private final String sourceDirectory;
  private final int port;
  private final String repositoryOutput;

  ImageName(BaseImage base, String sourceDirectory, int port, String repositoryOutput) {
    this.base = base;
    this.sourceDirectory = sourceDirectory;
    this.port = port;
    this.repositoryOutput = repositoryOutput;
  }

  /** The registry stack's output that holds this image's repository URI. */
  public String repositoryOutput() {
    return repositoryOutput;
  }

  /** Which kind of base image this image is built on. */
  public BaseImage base() {
    return base;
  }

  /** The directory of the repository checkout the image's inputs come from. */
  public String sourceDirectory() {
    return sourceDirectory;
  }

  /** The port the container listens on (exposed in the image config). */
  public int port() {
    return port;
  }

  /** {@code gifmachine}, {@code csidecar}, …: used in repository names and file names. */
  public String repositoryName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The image whose {@link #repositoryName()} is {@code name}, ignoring case. */
  public static Optional<ImageName> fromRepositoryName(String name) {
    for (ImageName image : values()) {
      if (image.repositoryName().equalsIgnoreCase(name.trim())) {
        return Optional.of(image);
      }
    }
    return Optional.empty();
  }
}
