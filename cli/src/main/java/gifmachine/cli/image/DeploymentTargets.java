package gifmachine.cli.image;

import gifmachine.infra.ImageName;
import java.util.Map;

/**
 * What {@code images push} learns from a deployment: the ECR repository URIs (the registry stack's
 * outputs) and push credentials (ECR's authorization token). {@link AwsDeploymentTargets}
 * implements it over the CLI's AWS gateways.
 */
public interface DeploymentTargets {

  Map<ImageName, String> repositories() throws ImagePublishException;

  RegistryCredentials credentials() throws ImagePublishException;
}
