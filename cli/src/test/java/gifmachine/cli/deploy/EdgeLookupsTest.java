package gifmachine.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gifmachine.cli.aws.AccountGateway;
import gifmachine.cli.aws.Aws;
import gifmachine.cli.aws.PartialAws;
import gifmachine.infra.DeploymentConfig;
import gifmachine.infra.Edge;
import gifmachine.infra.ImageSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EdgeLookupsTest {
  final List<String> asked = new ArrayList<>();
  Map<String, String> lists = Map.of(EdgeLookups.ORIGIN_FACING_PREFIX_LIST, "pl-4fa04526");

  final AccountGateway account =
      new AccountGateway() {
        @Override
        public Identity identity() {
          return new Identity("123456789012", "arn:aws:iam::123456789012:user/ops");
        }

        @Override
        public List<String> regions() {
          return List.of("eu-west-1");
        }

        @Override
        public List<String> availabilityZones() {
          return List.of("eu-west-1a", "eu-west-1b");
        }

        @Override
        public List<String> zonesOffering(String instanceType) {
          return availabilityZones();
        }

        @Override
        public Optional<String> publicParameter(String name) {
          return Optional.empty();
        }

        @Override
        public boolean createServiceLinkedRole(String service) {
          return false;
        }

        @Override
        public Optional<String> managedPrefixListId(String name) {
          asked.add(name);
          return Optional.ofNullable(lists.get(name));
        }
      };
  final Aws aws = PartialAws.account(account);
  final DeploymentConfig.Builder config =
      DeploymentConfig.builder("prod", "acme", "eu-west-1")
          .images(ImageSet.of(image -> image.repositoryName()));

  @Test
  void the_cloudfront_edge_gets_the_origin_facing_prefix_list_of_the_region() {
    DeploymentConfig looked = EdgeLookups.withPrefixList(aws, config.build());
    assertThat(looked.originFacingPrefixListId()).isEqualTo("pl-4fa04526");
    assertThat(asked).containsExactly("com.amazonaws.global.cloudfront.origin-facing");
  }

  @Test
  void the_alb_edge_asks_for_nothing() {
    DeploymentConfig alb = config.edge(Edge.ALB).build();
    assertThat(EdgeLookups.withPrefixList(aws, alb)).isSameAs(alb);
    assertThat(asked).isEmpty();
  }

  @Test
  void a_region_without_the_list_stops_the_deployment_saying_what_to_do() {
    lists = Map.of();
    assertThatThrownBy(() -> EdgeLookups.withPrefixList(aws, config.build()))
        .isInstanceOfSatisfying(
            DeploymentException.class,
            e -> {
              assertThat(e.exit()).isEqualTo(DeploymentException.Exit.CONFIG);
              assertThat(e.getMessage())
                  .isEqualTo(
                      "managed prefix list com.amazonaws.global.cloudfront.origin-facing:"
                          + " not found in eu-west-1, so the load balancer could not admit CloudFront");
              assertThat(e.hint()).contains("--edge alb");
            });
  }
}
