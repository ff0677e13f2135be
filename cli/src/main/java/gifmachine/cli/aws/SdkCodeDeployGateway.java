package gifmachine.cli.aws;

import software.amazon.awssdk.services.codedeploy.CodeDeployClient;
import software.amazon.awssdk.services.codedeploy.model.DeploymentInfo;
import software.amazon.awssdk.services.codedeploy.model.RevisionLocationType;

/** {@link CodeDeployGateway} on CodeDeploy. */
public final class SdkCodeDeployGateway implements CodeDeployGateway {

  private final CodeDeployClient client;

  public SdkCodeDeployGateway(CodeDeployClient client) {
    this.client = client;
  }

  @Override
  public String createDeployment(String application, String deploymentGroup, String appSpec) {
    return AwsErrors.call("CodeDeploy.CreateDeployment", () -> client.createDeployment(r -> r
        .applicationName(application)
        .deploymentGroupName(deploymentGroup)
        .description("gifmachine-on-aws up: new Gifmachine image")
        .revision(rev -> rev.revisionType(RevisionLocationType.APP_SPEC_CONTENT)
            .appSpecContent(c -> c.content(appSpec))))
        .deploymentId());
  }

  @Override
  public DeploymentStatus deployment(String deploymentId) {
    DeploymentInfo info = AwsErrors.call("CodeDeploy.GetDeployment",
        () -> client.getDeployment(r -> r.deploymentId(deploymentId)).deploymentInfo());
    String error = info.errorInformation() == null || info.errorInformation().message() == null
        ? "" : info.errorInformation().message();
    return new DeploymentStatus(info.statusAsString(), error);
  }
}
