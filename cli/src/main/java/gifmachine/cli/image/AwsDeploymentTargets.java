package gifmachine.cli.image;

import gifmachine.cli.aws.Aws;
import gifmachine.cli.aws.AwsCallException;
import gifmachine.cli.aws.RegistryGateway;
import gifmachine.cli.aws.StackDescription;
import gifmachine.infra.ImageName;
import gifmachine.infra.StackPart;
import java.util.EnumMap;
import java.util.Map;

/**
 * {@link DeploymentTargets} from AWS through the CLI's gateways: repository URIs from the {@code
 * ENV-COMPANY-registry} stack's outputs, push credentials from ECR's authorization token (user
 * {@code AWS}, valid 12 hours). The caller owns, and closes, the connection.
 *
 * <pre>{@code
 * try (Aws aws = AwsConnector.connect(settings)) {
 *   new AwsDeploymentTargets(aws, "prod-acme").repositories().get(ImageName.GIFMACHINE);
 * }
 * }</pre>
 */
public final class AwsDeploymentTargets implements DeploymentTargets {

  private final Aws aws;
  private final String deployment;

  public AwsDeploymentTargets(Aws aws, String deployment) {
    this.aws = aws;
    this.deployment = deployment;
  }

  @Override
  public Map<ImageName, String> repositories() throws ImagePublishException {
    String stack = deployment + "-" + StackPart.REGISTRY.suffix();
    String what = "looking up the repositories of " + deployment + " failed: ";
    StackDescription description;
    try {
      description =
          aws.cloudFormation()
              .describe(stack)
              .orElseThrow(
                  () ->
                      new ImagePublishException(
                          what
                              + "there is no stack "
                              + stack
                              + "; run gifmachine-on-aws up first (it creates the registry)"));
    } catch (AwsCallException e) {
      throw new ImagePublishException(what + e.getMessage(), e);
    }
    Map<ImageName, String> repositories = new EnumMap<>(ImageName.class);
    for (ImageName image : ImageName.values()) {
      String uri = description.outputs().get(image.repositoryOutput());
      if (uri != null && !uri.isBlank()) {
        repositories.put(image, uri);
      }
    }
    return repositories;
  }

  @Override
  public RegistryCredentials credentials() throws ImagePublishException {
    try {
      RegistryGateway.Login login = aws.registry().login();
      return new RegistryCredentials(login.username(), login.password());
    } catch (AwsCallException e) {
      throw new ImagePublishException(
          "getting an ECR login for " + deployment + " failed: " + e.getMessage(), e);
    }
  }
}
