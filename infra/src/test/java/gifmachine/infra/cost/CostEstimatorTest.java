package gifmachine.infra.cost;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import gifmachine.infra.StackPart;
import gifmachine.infra.SynthesizedApp;
import gifmachine.infra.SynthesizedStack;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CostEstimatorTest {
  static final PriceTable FIXTURE_PRICES =
      PriceTable.load(CostEstimatorTest.class.getResourceAsStream("/cost/prices-fixture.json"));

  static SynthesizedApp fixtureApp() throws IOException {
    try (InputStream in =
        CostEstimatorTest.class.getResourceAsStream("/cost/template-fixture.json")) {
      String template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      return new SynthesizedApp(
          List.of(
              new SynthesizedStack(
                  "t-c-gifmachine", StackPart.GIFMACHINE, template, List.of(), Map.of())));
    }
  }

  @Test
  void every_billable_resource_of_the_fixture_is_priced_exactly() throws IOException {
    CostReport report = new CostEstimator(FIXTURE_PRICES).estimate(fixtureApp(), "test-1");

    assertThat(report.lines())
        .extracting(CostLine::item, CostLine::monthly)
        .usingComparatorForType(
            (a, b) -> Math.abs(a - b) < 1e-9 ? 0 : Double.compare(a, b), Double.class)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("EC2 t4g.nano (NAT instance)", 1.00),
            org.assertj.core.groups.Tuple.tuple("EBS gp3 root volume", 0.50),
            org.assertj.core.groups.Tuple.tuple("Public IPv4 (NAT instance)", 0.50),
            org.assertj.core.groups.Tuple.tuple("Application Load Balancer", 2.00),
            org.assertj.core.groups.Tuple.tuple("ALB capacity units", 0.50),
            org.assertj.core.groups.Tuple.tuple("Public IPv4 (load balancer, 2 zones)", 1.00),
            org.assertj.core.groups.Tuple.tuple("Fargate Service 0.5 vCPU 1 GB ARM64 ×2", 4.80),
            org.assertj.core.groups.Tuple.tuple("RDS db.t4g.micro", 2.00),
            org.assertj.core.groups.Tuple.tuple("RDS storage gp3", 2.00),
            org.assertj.core.groups.Tuple.tuple("Secret gifmachine/Secret", 0.50),
            org.assertj.core.groups.Tuple.tuple("Secret API password (created by the CLI)", 0.50),
            org.assertj.core.groups.Tuple.tuple("CloudWatch Logs (1 log groups)", 1.10));
    assertThat(report.total()).isCloseTo(16.40, within(1e-9));
    assertThat(report.priceDate()).isEqualTo("2000-01-01");
  }

  @Test
  void the_earlier_projects_list_is_priced_with_the_same_table() {
    CostReport report = new CostEstimator(FIXTURE_PRICES).earlierProject("test-1");
    // 2×2 + 2×4 (instances) + 4 (4×10 GB gp2) + 3 + 1 (NLB, 0.5 NLCU) + 1.5 (Fargate x86
    // 0.25 vCPU 0.5 GB) + 1.5 (3 secrets) + 2.5 (5 public IPv4)
    assertThat(report.total()).isCloseTo(25.50, within(1e-9));
    assertThat(report.lines()).hasSize(12);
  }

  @Test
  void the_table_renders_item_basis_and_monthly_with_a_total() throws IOException {
    String text = new CostEstimator(FIXTURE_PRICES).estimate(fixtureApp(), "test-1").renderText();
    assertThat(text)
        .startsWith("gifmachine-on-aws — test-1, prices of 2000-01-01 (USD per month)")
        .containsPattern("EC2 t4g.nano \\(NAT instance\\) +100 h × \\$0.01 +1.00")
        .containsPattern("Fargate Service 0.5 vCPU 1 GB ARM64 ×2 +2 × 100 h × \\$0.024 +4.80")
        .containsPattern("TOTAL +16.40")
        .contains("* 0.5 load balancer capacity units on average (light traffic)");
  }

  @Test
  void a_region_without_prices_is_refused_naming_the_priced_ones() throws IOException {
    assertThatThrownBy(() -> new CostEstimator(FIXTURE_PRICES).estimate(fixtureApp(), "mars-1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("region mars-1: no prices in the table of 2000-01-01 (priced: test-1)");
  }

  @Test
  void the_bundled_table_prices_the_earlier_project_near_73_dollars_in_ireland() {
    PriceTable bundled = PriceTable.bundled();
    assertThat(bundled.date()).matches("\\d{4}-\\d{2}-\\d{2}");
    assertThat(bundled.regions()).containsKeys("eu-west-1", "us-east-1");
    assertThat(new CostEstimator(bundled).earlierProject("eu-west-1").total())
        .isCloseTo(73.152025, within(1e-6));
  }
}
