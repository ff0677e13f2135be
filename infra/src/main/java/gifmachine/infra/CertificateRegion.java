package gifmachine.infra;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An ACM certificate can be used only by services in its own region: an Application Load Balancer
 * needs one from the load balancer's region, CloudFront one from us-east-1
 * (https://docs.aws.amazon.com/acm/latest/userguide/acm-regions.html). Checked before anything is
 * deployed, so the mistake is not found by a failed stack update.
 *
 * <pre>{@code
 * CertificateRegion.require(config.certificateArn(), config.region(), "the load balancer");
 * CertificateRegion.require(cloudFrontCertificateArn, "us-east-1", "CloudFront");
 * }</pre>
 */
public final class CertificateRegion {

  private static final Pattern ARN =
      Pattern.compile("arn:aws[a-z-]*:acm:([a-z0-9-]+):\\d{12}:certificate/.+");

  private CertificateRegion() {}

  /**
   * @param certificateArn an ACM certificate ARN
   * @param requiredRegion the region the certificate's user needs it in
   * @param usedBy who uses it, for the message: "the load balancer", "CloudFront"
   * @throws InvalidDeploymentConfigException when the ARN is not an ACM ARN or is elsewhere
   */
  public static void require(String certificateArn, String requiredRegion, String usedBy) {
    Matcher matcher = ARN.matcher(certificateArn);
    if (!matcher.matches()) {
      throw new InvalidDeploymentConfigException(
          "certificate \""
              + certificateArn
              + "\": not an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)");
    }
    String region = matcher.group(1);
    if (!region.equals(requiredRegion)) {
      throw new InvalidDeploymentConfigException(
          "certificate \""
              + certificateArn
              + "\": it is in "
              + region
              + ", but "
              + usedBy
              + " can use only a certificate from "
              + requiredRegion
              + "; request or import one in "
              + requiredRegion
              + " (ACM certificates do not cross regions)");
    }
  }
}
