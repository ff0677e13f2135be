package gifmachine.infra;

import static org.assertj.core.api.Assertions.assertThat;

import gifmachine.infra.cost.CostEstimator;
import gifmachine.infra.cost.CostLine;
import gifmachine.infra.cost.CostReport;
import gifmachine.infra.cost.PriceTable;
import org.junit.jupiter.api.Test;

/** The synthesized default deployment, priced with the bundled table. */
class DeploymentCostTest {
  final CostEstimator estimator = new CostEstimator(PriceTable.bundled());

  @Test
  void the_default_deployment_with_monitoring_costs_less_than_the_earlier_project() {
    CostReport ours = estimator.estimate(Deployments.defaultApp(), "eu-west-1");
    CostReport earlier = estimator.earlierProject("eu-west-1");
    System.out.println(ours.renderText());
    System.out.println(earlier.renderText());
    assertThat(ours.total()).isLessThan(earlier.total());
    assertThat(ours.lines()).extracting(CostLine::item).contains(
        "EC2 t4g.nano (NAT instance)", "Application Load Balancer", "RDS db.t4g.micro",
        "Public IPv4 (load balancer, 2 zones)", "Secret API password (created by the CLI)");
    assertThat(ours.lines()).extracting(CostLine::item)
        .filteredOn(item -> item.startsWith("Fargate")).hasSize(2)
        .allMatch(item -> item.contains("ARM64"));
  }

  @Test
  void options_that_cost_more_show_up_in_the_estimate() {
    CostReport options = estimator.estimate(Deployments.everyOptionApp(), "us-east-1");
    System.out.println(options.renderText());
    assertThat(options.lines()).extracting(CostLine::item)
        .contains("NAT gateway", "WAF web ACL")
        .anyMatch(item -> item.startsWith("Interface endpoint"))
        .anyMatch(item -> item.startsWith("Fargate") && item.contains("X86_64 ×2"));
    assertThat(options.total())
        .isGreaterThan(estimator.estimate(Deployments.defaultApp(), "us-east-1").total());
  }
}
