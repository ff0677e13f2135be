package gifmachine.cli.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gifmachine.cli.aws.RegistryGateway;
import gifmachine.cli.deploy.DeploymentException.Exit;
import gifmachine.infra.ImageSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@link ImagePublishing} for images that are already pushed: {@code up --images FILE} deploys what
 * {@code images push --output json} printed into FILE instead of building again. The pipeline's
 * Deploy stage runs {@code up} this way with the images its Build stage pushed, so a release
 * reaches the tasks through {@code up} like every other change. Each image must be in the
 * deployment's own repository and built for the deployment's architecture: a file from another
 * deployment or the other platform is refused before any stack changes.
 *
 * <pre>{@code
 * java -jar cli.jar images push --deployment prod-acme --region eu-west-1 --output json > images.json
 * java -jar cli.jar up -e prod -c acme --region eu-west-1 --images images.json --yes
 * }</pre>
 */
public final class PushedImages implements ImagePublishing {

  /** Bounds what is read: the file holds five short references, a few kilobytes. */
  static final long MAX_BYTES = 64 * 1024;

  private final Path file;

  public PushedImages(Path file) {
    this.file = file;
  }

  @Override
  public ImageSet publish(
      ImageSet repositories,
      RegistryGateway.Login login,
      boolean arm64,
      ProgressListener progress) {
    JsonNode root = read();
    String platform = "linux/" + (arm64 ? "arm64" : "amd64");
    if (!platform.equals(root.path("platform").asText())) {
      throw refused(
          "built for "
              + (root.path("platform").asText().isEmpty()
                  ? "no platform"
                  : root.path("platform").asText())
              + ", the deployment runs "
              + platform);
    }
    return ImageSet.of(
        name -> {
          String repository = repositories.get(name);
          JsonNode image = root.path("images").path(name.repositoryName());
          String reference = image.path("reference").asText();
          if (reference.isEmpty()) {
            throw refused("has no " + name.repositoryName() + " image");
          }
          if (!repository.equals(image.path("repository").asText())
              || !reference.startsWith(repository + "@sha256:")) {
            throw refused(
                "its "
                    + name.repositoryName()
                    + " image "
                    + reference
                    + " is not a digest in this "
                    + "deployment's repository "
                    + repository);
          }
          return reference;
        });
  }

  private JsonNode read() {
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw refused("is over " + MAX_BYTES + " bytes, not the output of images push");
      }
      return new ObjectMapper().readTree(file.toFile());
    } catch (IOException e) {
      throw refused("cannot be read as JSON (" + e.getMessage() + ")");
    }
  }

  private DeploymentException refused(String why) {
    return new DeploymentException(
        Exit.CONFIG,
        "images " + file + ": " + why,
        "give the file images push --output json wrote for this deployment, or leave out --images to build");
  }
}
