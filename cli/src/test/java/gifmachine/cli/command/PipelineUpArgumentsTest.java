package gifmachine.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import gifmachine.infra.DeploymentConfig;
import gifmachine.infra.Edge;
import gifmachine.infra.PipelineStack;
import gifmachine.infra.Rollout;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * The pipeline's Deploy stage runs {@code up} with {@link PipelineStack#upArguments}: parsed by the
 * real command line, they must give back the deployment the pipeline was synthesized for, or the
 * pipeline would deploy something other than what the operator deployed.
 */
class PipelineUpArgumentsTest {

  static final gifmachine.infra.ImageSet IMAGES =
      gifmachine.infra.ImageSet.of(gifmachine.infra.ImageName::repositoryName);

  @TempDir Path directory;

  static Stream<DeploymentConfig> configs() {
    return Stream.of(
        DeploymentConfig.builder("prod", "dundermiff", "eu-west-1").images(IMAGES).build(),
        DeploymentConfig.builder("staging", "initech", "us-east-1")
            .images(IMAGES)
            .natGateway(true)
            .interfaceEndpoints(true)
            .graviton(false)
            .waf(true)
            .minTasks(2)
            .maxTasks(6)
            .dbInstanceClass("db.t4g.small")
            .monitoring(false)
            .monitoringSpot(false)
            .rollout(new Rollout(Rollout.Strategy.CANARY, Rollout.TargetGroup.BLUE))
            .edge(Edge.ALB)
            .certificateArn("arn:aws:acm:us-east-1:123456789012:certificate/abc")
            .build(),
        DeploymentConfig.builder("prod", "acme", "eu-west-1")
            .images(IMAGES)
            .domain("gifs.example.com")
            .certificateArn("arn:aws:acm:us-east-1:123456789012:certificate/def")
            .rollout(new Rollout(Rollout.Strategy.LINEAR, Rollout.TargetGroup.BLUE))
            .build());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("configs")
  void the_deploy_stages_up_arguments_resolve_to_the_deployment_the_pipeline_was_made_for(
      DeploymentConfig expected) {
    List<String> arguments = PipelineStack.upArguments(expected);
    UpCommand up = new UpCommand(new CliRunner(directory).context());
    new CommandLine(up).parseArgs(arguments.subList(1, arguments.size()).toArray(String[]::new));

    DeploymentConfig actual = up.options.resolve(new CliRunner(directory).context()).config();

    assertThat(arguments.getFirst()).isEqualTo("up");
    assertThat(up.yes).isTrue();
    assertThat(up.imagesFile).isEqualTo(Path.of("images.json"));
    assertThat(actual)
        .usingRecursiveComparison()
        .comparingOnlyFields(
            "environment",
            "company",
            "region",
            "natGateway",
            "interfaceEndpoints",
            "graviton",
            "waf",
            "certificateArn",
            "minTasks",
            "maxTasks",
            "dbInstanceClass",
            "monitoring",
            "pipeline",
            "rollout.strategy",
            "edge",
            "domain",
            "monitoringSpot")
        .isEqualTo(expected);
  }
}
