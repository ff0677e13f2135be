package gifmachine.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import gifmachine.cli.aws.Aws;
import gifmachine.cli.aws.PartialAws;
import gifmachine.cli.deploy.StackDeployer.Method;
import gifmachine.cli.deploy.StackResult.Outcome;
import gifmachine.infra.DeploymentConfig;
import gifmachine.infra.ImageSet;
import gifmachine.infra.StackPart;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The CloudFront firewall stack goes to us-east-1, every other stack to the deployment's region.
 */
class StackRegionsTest {
  final InMemoryCloudFormation ireland = new InMemoryCloudFormation();
  final InMemoryCloudFormation virginia = new InMemoryCloudFormation();
  final DeploymentConfig config =
      DeploymentConfig.builder("prod", "acme", "eu-west-1")
          .images(ImageSet.of(image -> image.repositoryName()))
          .waf(true)
          .build();
  final Aws aws = PartialAws.cloudFormation(ireland, virginia).forDeployment(config);

  @Test
  void the_waf_stack_of_the_cloudfront_edge_is_deployed_in_us_east_1_and_the_rest_at_home() {
    StackDeployer engine =
        new StackDeployer(
            aws.cloudFormation(),
            new FakePacer(),
            e -> {},
            new EngineSettings(
                Duration.ofSeconds(1),
                Duration.ofSeconds(10),
                Duration.ofMinutes(30),
                new Random(7)),
            new Cancellation());
    List<StackNode> nodes =
        List.of(
            StackDeployerTest.stack(config.stackName(StackPart.REGISTRY), StackDeployerTest.V1),
            StackDeployerTest.stack(config.stackName(StackPart.FIREWALL), StackDeployerTest.V1),
            StackDeployerTest.stack(config.stackName(StackPart.EDGE), StackDeployerTest.V1));

    assertThat(engine.deploy(nodes, Method.CHANGESET))
        .extracting(StackResult::outcome)
        .containsOnly(Outcome.CREATED);

    assertThat(virginia.describe("prod-acme-waf")).isPresent();
    assertThat(ireland.describe("prod-acme-waf")).isEmpty();
    for (String home : List.of("prod-acme-registry", "prod-acme-edge")) {
      assertThat(ireland.describe(home)).as(home).isPresent();
      assertThat(virginia.describe(home)).as(home).isEmpty();
    }
    assertThat(aws.cloudFormation().describe("prod-acme-waf"))
        .as("read back where it lives")
        .isPresent();
  }

  @Test
  void a_deployment_in_us_east_1_keeps_every_stack_in_one_region() {
    DeploymentConfig virginiaDeployment =
        DeploymentConfig.builder("prod", "acme", "us-east-1")
            .images(ImageSet.of(image -> image.repositoryName()))
            .waf(true)
            .build();
    assertThat(virginiaDeployment.regionOf(StackPart.FIREWALL)).isEqualTo("us-east-1");
    assertThat(virginiaDeployment.regionOf(StackPart.NETWORK)).isEqualTo("us-east-1");
  }
}
