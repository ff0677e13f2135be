package gifmachine.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import gifmachine.infra.Rollout;
import org.junit.jupiter.api.Test;

class DeploymentTest {

  @Test
  void the_live_target_group_is_the_one_with_the_larger_weight_and_blue_when_unknown() {
    assertThat(LiveTraffic.live(java.util.Map.of("blue", 100, "green", 0), "blue", "green"))
        .isEqualTo(Rollout.TargetGroup.BLUE);
    assertThat(LiveTraffic.live(java.util.Map.of("blue", 0, "green", 100), "blue", "green"))
        .isEqualTo(Rollout.TargetGroup.GREEN);
    assertThat(LiveTraffic.live(java.util.Map.of("blue", 10, "green", 90), "blue", "green"))
        .isEqualTo(Rollout.TargetGroup.GREEN);
    assertThat(LiveTraffic.live(java.util.Map.of(), "blue", "green"))
        .isEqualTo(Rollout.TargetGroup.BLUE);
  }

  @Test
  void the_image_a_deployed_template_runs_is_found_by_its_repository() {
    String template =
        """
        {"Resources":{"Task":{"Type":"AWS::ECS::TaskDefinition","Properties":{"ContainerDefinitions":[
          {"Name":"gifmachine","Image":"1.dkr.ecr.eu-west-1.amazonaws.com/prod-acme/gifmachine@sha256:abc"},
          {"Name":"csidecar","Image":"1.dkr.ecr.eu-west-1.amazonaws.com/prod-acme/csidecar@sha256:def"}]}}}}""";

    assertThat(
            DeployedImages.find(template, "1.dkr.ecr.eu-west-1.amazonaws.com/prod-acme/gifmachine"))
        .contains("1.dkr.ecr.eu-west-1.amazonaws.com/prod-acme/gifmachine@sha256:abc");
    assertThat(DeployedImages.find(template, "1.dkr.ecr.eu-west-1.amazonaws.com/prod-acme/grafana"))
        .isEmpty();
  }
}
