package gifmachine.infra;

/**
 * Checks that an ACM certificate ARN is in the region its user requires: CloudFront takes
 * certificates from us-east-1 only
 * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cnames-and-https-requirements.html#https-requirements-aws-region),
 * an Application Load Balancer from its own region
 * (https://docs.aws.amazon.com/elasticloadbalancing/latest/application/https-listener-certificates.html).
 * The region is the fourth field of the ARN, so no AWS call is needed.
 *
 * <pre>{@code
 * CertificateRegion.require(arn, "us-east-1", "CloudFront uses certificates from us-east-1 only");
 * }</pre>
 */
public final class CertificateRegion {
  private CertificateRegion() {}

  /** The region field of an ARN ({@code arn:partition:service:region:account:resource}). */
  public static String of(String arn) {
    String[] fields = arn.split(":", 6);
    if (fields.length < 6 || !fields[0].equals("arn") || !fields[2].equals("acm")) {
      throw new InvalidDeploymentConfigException("certificate \"" + arn
          + "\": not an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)");
    }
    return fields[3];
  }

  /** @throws InvalidDeploymentConfigException naming both regions and what to do */
  public static void require(String arn, String requiredRegion, String why) {
    String region = of(arn);
    if (!region.equals(requiredRegion)) {
      throw new InvalidDeploymentConfigException("certificate \"" + arn + "\": is in " + region
          + ", but " + why + "; request or import the certificate in " + requiredRegion
          + " (ACM console or aws acm request-certificate --region " + requiredRegion
          + ") and pass that ARN");
    }
  }
}
