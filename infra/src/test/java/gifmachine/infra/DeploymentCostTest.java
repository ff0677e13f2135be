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
  void the_default_deployment_with_monitoring_costs_at_most_55_dollars_a_month_in_ireland() {
    CostReport ours = estimator.estimate(Deployments.defaultApp(), "eu-west-1");
    CostReport earlier = estimator.earlierProject("eu-west-1");
    System.out.println(ours.renderText());
    System.out.println(earlier.renderText());
    assertThat(ours.total()).isLessThanOrEqualTo(55.00).isLessThan(earlier.total());
    assertThat(ours.priceDate()).isEqualTo(PriceTable.bundled().date());
    assertThat(ours.lines())
        .extracting(CostLine::item)
        .contains(
            "EC2 t4g.nano (NAT instance)",
            "Application Load Balancer",
            "RDS db.t4g.micro",
            "Public IPv4 (NAT instance)",
            "Secret API password (created by the CLI)",
            "CloudFront data out",
            "CloudFront HTTPS requests",
            "Fargate Service 0.25 vCPU 0.5 GB ARM64",
            "Fargate Spot MonitoringService 0.25 vCPU 1 GB ARM64");
    assertThat(ours.lines())
        .extracting(CostLine::item)
        .as("internal load balancer: no public IPv4")
        .noneMatch(item -> item.startsWith("Public IPv4 (load balancer"));
    assertThat(ours.lines())
        .filteredOn(line -> line.item().startsWith("Fargate Spot"))
        .allMatch(line -> line.basis().contains("Spot price of " + ours.priceDate()));
    assertThat(ours.lines())
        .filteredOn(line -> line.item().startsWith("CloudFront"))
        .allMatch(line -> line.monthly() == 0 && line.basis().contains("free"));
    assertThat(ours.assumptions()).anyMatch(a -> a.contains("always-free"));
  }

  @Test
  void on_demand_monitoring_and_the_old_internet_facing_edge_cost_more() {
    CostReport spot = estimator.estimate(Deployments.defaultApp(), "us-east-1");
    CostReport onDemand = estimator.estimate(Deployments.cloudFrontOptionsApp(), "us-east-1");
    assertThat(onDemand.lines())
        .extracting(CostLine::item)
        .contains("Fargate MonitoringService 0.25 vCPU 1 GB ARM64");
    assertThat(onDemand.lines())
        .extracting(CostLine::item)
        .as("WAF in the us-east-1 stack")
        .contains("WAF web ACL");
    assertThat(onDemand.total()).isGreaterThan(spot.total());
  }

  @Test
  void options_that_cost_more_show_up_in_the_estimate() {
    CostReport options = estimator.estimate(Deployments.everyOptionApp(), "us-east-1");
    System.out.println(options.renderText());
    assertThat(options.lines())
        .extracting(CostLine::item)
        .contains("NAT gateway", "WAF web ACL")
        .anyMatch(item -> item.startsWith("Interface endpoint"))
        .anyMatch(item -> item.startsWith("Fargate") && item.contains("X86_64 ×2"));
    assertThat(options.total())
        .isGreaterThan(estimator.estimate(Deployments.defaultApp(), "us-east-1").total());
  }
}
