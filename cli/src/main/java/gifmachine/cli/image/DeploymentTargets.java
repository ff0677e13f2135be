package gifmachine.cli.image;

import java.util.Map;

/**
 * What {@code images push --deployment ENV-COMPANY} learns from AWS: the ECR repository URIs
 * (the registry stack's outputs), push credentials (ECR's authorization token) and the
 * Gifmachine service's current task definition (for {@code taskdef.json}). The {@code aws/}
 * package implements it over the SDK; tests use their own.
 */
public interface DeploymentTargets {

  Map<ImageName, String> repositories() throws ImagePublishException;

  RegistryCredentials credentials() throws ImagePublishException;

  /** The task definition JSON, as {@code aws ecs describe-task-definition} prints it. */
  String currentTaskDefinition() throws ImagePublishException;

  /** Opens the targets of one deployment in one region. */
  @FunctionalInterface
  interface Factory {
    DeploymentTargets open(String deployment, String region) throws ImagePublishException;
  }
}
