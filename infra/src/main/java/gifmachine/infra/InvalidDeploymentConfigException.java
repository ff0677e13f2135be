package gifmachine.infra;

/**
 * A {@link DeploymentConfig} that cannot become a deployment. The message reads {@code what
 * happened: why}, e.g. {@code environment "Prod": must be lowercase letters, digits and hyphens},
 * so the CLI prints it as it is and exits with its configuration-error code.
 */
public final class InvalidDeploymentConfigException extends IllegalArgumentException {

  public InvalidDeploymentConfigException(String message) {
    super(message);
  }
}
