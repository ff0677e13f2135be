package gifmachine.infra;

import java.util.Locale;
import java.util.Optional;

/**
 * The five container images of a deployment, the one list of them: each with its ECR repository
 * name (the last path segment, {@code {environment}-{company}/gifmachine}), the registry stack's
 * output holding the repository URI, and the port its container listens on. The registry stack
 * makes a repository for each, {@link ImageSet} holds a reference for each, the CLI builds and
 * pushes each. The services' own defaults ({@code GifmachineConfig.DEFAULT_PORT}, …) are checked
 * against these ports by the CLI's {@code ServicePortsTest}, which sees every module.
 *
 * <pre>{@code
 * String uri = outputs.get(ImageName.GIFMACHINE.repositoryOutput());  // …/prod-acme/gifmachine
 * }</pre>
 */
public enum ImageName {
  GIFMACHINE(StackOutputs.GIFMACHINE_REPOSITORY_URI, 4567),
  CSIDECAR(StackOutputs.CSIDECAR_REPOSITORY_URI, 8080),
  CDEPOT(StackOutputs.CDEPOT_REPOSITORY_URI, 8002),
  PROMETHEUS(StackOutputs.PROMETHEUS_REPOSITORY_URI, 9090),
  GRAFANA(StackOutputs.GRAFANA_REPOSITORY_URI, 3000);

  private final String repositoryOutput;
  private final int port;

  ImageName(String repositoryOutput, int port) {
    this.repositoryOutput = repositoryOutput;
    this.port = port;
  }

  /** The registry stack's output that holds this image's repository URI. */
  public String repositoryOutput() {
    return repositoryOutput;
  }

  /** The port the container listens on: exposed in the image, opened in the security groups. */
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
