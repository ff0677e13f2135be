package gifmachine.infra;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CertificateRegionTest {

  static final String IN_DUBLIN = "arn:aws:acm:eu-west-1:123456789012:certificate/abc";

  @Test
  void a_certificate_from_the_required_region_is_accepted() {
    assertThatCode(() -> CertificateRegion.require(IN_DUBLIN, "eu-west-1", "the load balancer"))
        .doesNotThrowAnyException();
  }

  @Test
  void a_certificate_from_another_region_is_refused_naming_both_regions_and_the_user() {
    assertThatThrownBy(() -> CertificateRegion.require(IN_DUBLIN, "us-east-1", "CloudFront"))
        .isInstanceOf(InvalidDeploymentConfigException.class)
        .hasMessage(
            "certificate \""
                + IN_DUBLIN
                + "\": it is in eu-west-1, but CloudFront can use only a "
                + "certificate from us-east-1; request or import one in us-east-1 (ACM certificates do not cross regions)");
  }

  @Test
  void
      the_deployment_refuses_a_load_balancer_certificate_from_another_region_before_anything_is_deployed() {
    assertThatThrownBy(
            () ->
                Deployments.defaultsBuilder()
                    .edge(Edge.ALB)
                    .certificateArn("arn:aws:acm:us-east-1:123456789012:certificate/abc")
                    .build())
        .hasMessageContaining(
            "it is in us-east-1, but the load balancer in eu-west-1 can use only a certificate from eu-west-1");
  }

  @Test
  void
      the_cloudfront_edge_refuses_a_certificate_from_outside_us_east_1_before_anything_is_deployed() {
    assertThatThrownBy(
            () ->
                Deployments.defaultsBuilder()
                    .domain("gifs.example.com")
                    .certificateArn(IN_DUBLIN)
                    .build())
        .hasMessageContaining(
            "it is in eu-west-1, but CloudFront can use only a certificate from us-east-1");
  }
}
