package gifmachine.cli.deploy;

import gifmachine.cli.aws.Aws;
import gifmachine.cli.deploy.DeploymentException.Exit;
import gifmachine.infra.DeploymentConfig;
import gifmachine.infra.Edge;
import gifmachine.infra.StackOutputs;
import gifmachine.infra.StackPart;

/**
 * What synthesis of the CloudFront edge needs from the account, looked up at deploy time through
 * the SDK (no custom resources): the ID of CloudFront's origin-facing managed prefix list in the
 * deployment's region, which the load balancer's security group admits, and the ARN of the
 * us-east-1 web ACL once its stack is deployed.
 */
public final class EdgeLookups {

  /**
   * The AWS-managed prefix list of CloudFront's origin-facing servers; its ID differs per region.
   * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/LocationsOfEdgeServers.html
   */
  public static final String ORIGIN_FACING_PREFIX_LIST =
      "com.amazonaws.global.cloudfront.origin-facing";

  private EdgeLookups() {}

  /** {@code config} with the prefix list ID filled in (unchanged for {@code --edge alb}). */
  public static DeploymentConfig withPrefixList(Aws aws, DeploymentConfig config) {
    if (config.edge() != Edge.CLOUDFRONT) {
      return config;
    }
    String id =
        Preflight.guard(
                "looking up the managed prefix list " + ORIGIN_FACING_PREFIX_LIST,
                () -> aws.account().managedPrefixListId(ORIGIN_FACING_PREFIX_LIST))
            .orElseThrow(
                () ->
                    new DeploymentException(
                        Exit.CONFIG,
                        "managed prefix list "
                            + ORIGIN_FACING_PREFIX_LIST
                            + ": not found in "
                            + config.region()
                            + ", so the load balancer could not admit CloudFront",
                        "check that CloudFront VPC origins are offered in "
                            + config.region()
                            + ", or deploy with --edge alb"));
    return Configs.withPrefixList(config, id);
  }

  /** {@code config} with the deployed web ACL's ARN, when the firewall stack has one. */
  public static DeploymentConfig withWebAcl(Stacks deployed, DeploymentConfig config) {
    if (!config.cloudFrontFirewall()) {
      return config;
    }
    return deployed
        .output(StackPart.FIREWALL, StackOutputs.WEB_ACL_ARN)
        .map(arn -> Configs.withWebAcl(config, arn))
        .orElse(config);
  }
}
