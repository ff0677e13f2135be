package gifmachine.infra;

import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.constructs.Construct;

/**
 * The web ACL of the CloudFront distribution ({@code --waf} with the CloudFront edge). A web ACL
 * for CloudFront has scope CLOUDFRONT and must be created in us-east-1
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-wafv2-webacl.html,
 * "Scope"), so this is a stack of its own that the CLI deploys there; the edge stack, in the
 * deployment's region, gets its ARN through the configuration (no cross-region references, which
 * CDK implements with custom resources).
 */
public final class FirewallStack extends Stack {

  public FirewallStack(Construct scope, String id, StackProps props) {
    super(scope, id, props);
    WebFirewall firewall = new WebFirewall(this, "Firewall", WebFirewall.Scope.CLOUDFRONT, null);
    CfnOutput.Builder.create(this, StackOutputs.WEB_ACL_ARN).value(firewall.arn()).build();
  }
}
