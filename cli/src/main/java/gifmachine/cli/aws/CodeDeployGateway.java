package gifmachine.cli.aws;

/** CodeDeploy: a blue/green deployment of a new task definition revision to the ECS service. */
public interface CodeDeployGateway {

  /** @param error CodeDeploy's message when it failed, empty otherwise */
  record DeploymentStatus(String status, String error) {
    public boolean finished() {
      return status.equals("Succeeded") || status.equals("Failed") || status.equals("Stopped");
    }
  }

  /** Starts a deployment with an inline AppSpec (YAML or JSON); returns its id. */
  String createDeployment(String application, String deploymentGroup, String appSpec);

  DeploymentStatus deployment(String deploymentId);
}
