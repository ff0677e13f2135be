package gifmachine.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CertificateRegionTest {
  static final String ARN = "arn:aws:acm:%s:123456789012:certificate/0f0e0d0c-1111-2222-3333-444455556666";

  @ParameterizedTest
  @CsvSource({"us-east-1", "eu-west-1", "ap-southeast-2"})
  void the_region_is_the_fourth_field_of_the_arn(String region) {
    assertThat(CertificateRegion.of(ARN.formatted(region))).isEqualTo(region);
  }

  @ParameterizedTest
  @CsvSource({
      "eu-west-1, us-east-1, 'is in eu-west-1, but CloudFront needs us-east-1; request or import the certificate in us-east-1'",
      "us-east-1, eu-west-1, 'is in us-east-1, but CloudFront needs us-east-1; request or import the certificate in eu-west-1'"})
  void a_certificate_in_another_region_is_refused_naming_both_regions_and_the_fix(
      String actual, String required, String message) {
    assertThatThrownBy(() -> CertificateRegion.require(ARN.formatted(actual), required, "CloudFront needs us-east-1"))
        .isInstanceOf(InvalidDeploymentConfigException.class)
        .hasMessageContaining(message)
        .hasMessageContaining("aws acm request-certificate --region " + required);
  }

  @ParameterizedTest
  @CsvSource({"us-east-1", "eu-west-1"})
  void a_certificate_in_the_required_region_passes(String region) {
    assertThatCode(() -> CertificateRegion.require(ARN.formatted(region), region, "")).doesNotThrowAnyException();
  }

  @ParameterizedTest
  @CsvSource({"arn:aws:s3:::bucket", "not-an-arn", "arn:aws:iam::123456789012:role/x"})
  void anything_but_an_acm_arn_is_refused(String arn) {
    assertThatThrownBy(() -> CertificateRegion.of(arn)).isInstanceOf(InvalidDeploymentConfigException.class)
        .hasMessageContaining("not an ACM certificate ARN");
  }
}
