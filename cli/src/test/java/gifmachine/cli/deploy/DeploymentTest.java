package gifmachine.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DeploymentTest {

  @Test
  void the_rollout_appspec_names_the_new_revision_and_the_container_taking_traffic() {
    String appSpec = Deployment.appSpec("arn:aws:ecs:eu-west-1:123456789012:task-definition/prod-acme-gifmachine:7");

    assertThat(appSpec)
        .contains("TaskDefinition: \"arn:aws:ecs:eu-west-1:123456789012:task-definition/prod-acme-gifmachine:7\"")
        .contains("ContainerName: \"gifmachine\"", "ContainerPort: 4567")
        .doesNotContain("<TASK_DEFINITION>");
  }

  @Test
  void the_image_a_deployed_template_runs_is_found_by_its_repository() {
    String template = """
        {"Resources":{"Task":{"Type":"AWS::ECS::TaskDefinition","Properties":{"ContainerDefinitions":[
          {"Name":"gifmachine","Image":"1.dkr.ecr.eu-west-1.amazonaws.com/prod-acme/gifmachine@sha256:abc"},
          {"Name":"csidecar","Image":"1.dkr.ecr.eu-west-1.amazonaws.com/prod-acme/csidecar@sha256:def"}]}}}}""";

    assertThat(DeployedImages.find(template, "1.dkr.ecr.eu-west-1.amazonaws.com/prod-acme/gifmachine"))
        .contains("1.dkr.ecr.eu-west-1.amazonaws.com/prod-acme/gifmachine@sha256:abc");
    assertThat(DeployedImages.find(template, "1.dkr.ecr.eu-west-1.amazonaws.com/prod-acme/grafana")).isEmpty();
  }
}
