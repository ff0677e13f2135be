package gifmachine.infra;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.services.wafv2.CfnWebACL;
import software.amazon.awscdk.services.wafv2.CfnWebACLAssociation;
import software.constructs.Construct;

/**
 * A WAF web ACL: AWS managed rule groups (common, known bad inputs, IP reputation) and a per-IP
 * rate limit on {@code POST /gif}, the only write. Regional on the internet-facing load balancer
 * ({@code --edge alb}), or with scope CLOUDFRONT for the distribution (FirewallStack, us-east-1).
 */
public final class WebFirewall extends Construct {

  /** Requests per IP per 5 minutes on {@code POST /gif}: a gif every 3 s is plenty. */
  static final int POST_GIF_LIMIT = 100;

  static final List<String> MANAGED_GROUPS =
      List.of(
          "AWSManagedRulesCommonRuleSet",
          "AWSManagedRulesKnownBadInputsRuleSet",
          "AWSManagedRulesAmazonIpReputationList");

  /** Where the web ACL applies. */
  public enum Scope {
    REGIONAL,
    CLOUDFRONT
  }

  private final CfnWebACL acl;

  /**
   * @param loadBalancerArn the regional resource to associate, or null (CloudFront names it)
   */
  public WebFirewall(Construct scope, String id, Scope aclScope, String loadBalancerArn) {
    super(scope, id);
    List<Object> rules = new ArrayList<>();
    int priority = 0;
    for (String group : MANAGED_GROUPS) {
      rules.add(
          CfnWebACL.RuleProperty.builder()
              .name(group)
              .priority(priority++)
              .overrideAction(CfnWebACL.OverrideActionProperty.builder().none(Map.of()).build())
              .statement(
                  CfnWebACL.StatementProperty.builder()
                      .managedRuleGroupStatement(
                          CfnWebACL.ManagedRuleGroupStatementProperty.builder()
                              .vendorName("AWS")
                              .name(group)
                              .build())
                      .build())
              .visibilityConfig(visibility(group))
              .build());
    }
    rules.add(
        CfnWebACL.RuleProperty.builder()
            .name("PostGifRateLimit")
            .priority(priority)
            .action(
                CfnWebACL.RuleActionProperty.builder()
                    .block(CfnWebACL.BlockActionProperty.builder().build())
                    .build())
            .statement(
                CfnWebACL.StatementProperty.builder()
                    .rateBasedStatement(
                        CfnWebACL.RateBasedStatementProperty.builder()
                            .limit(POST_GIF_LIMIT)
                            .aggregateKeyType("IP")
                            .scopeDownStatement(
                                CfnWebACL.StatementProperty.builder()
                                    .andStatement(
                                        CfnWebACL.AndStatementProperty.builder()
                                            .statements(
                                                List.of(
                                                    byteMatch(
                                                        CfnWebACL.FieldToMatchProperty.builder()
                                                            .method(Map.of())
                                                            .build(),
                                                        "POST",
                                                        "EXACTLY"),
                                                    byteMatch(
                                                        CfnWebACL.FieldToMatchProperty.builder()
                                                            .uriPath(Map.of())
                                                            .build(),
                                                        "/gif",
                                                        "EXACTLY")))
                                            .build())
                                    .build())
                            .build())
                    .build())
            .visibilityConfig(visibility("PostGifRateLimit"))
            .build());

    acl =
        CfnWebACL.Builder.create(this, "Acl")
            .scope(aclScope.name())
            .defaultAction(
                CfnWebACL.DefaultActionProperty.builder()
                    .allow(CfnWebACL.AllowActionProperty.builder().build())
                    .build())
            .visibilityConfig(visibility("gifmachine"))
            .rules(rules)
            .build();
    if (loadBalancerArn != null) {
      CfnWebACLAssociation.Builder.create(this, "Association")
          .resourceArn(loadBalancerArn)
          .webAclArn(acl.getAttrArn())
          .build();
    }
  }

  public String arn() {
    return acl.getAttrArn();
  }

  private static CfnWebACL.StatementProperty byteMatch(
      CfnWebACL.FieldToMatchProperty field, String value, String position) {
    return CfnWebACL.StatementProperty.builder()
        .byteMatchStatement(
            CfnWebACL.ByteMatchStatementProperty.builder()
                .fieldToMatch(field)
                .searchString(value)
                .positionalConstraint(position)
                .textTransformations(
                    List.of(
                        CfnWebACL.TextTransformationProperty.builder()
                            .priority(0)
                            .type("NONE")
                            .build()))
                .build())
        .build();
  }

  private static CfnWebACL.VisibilityConfigProperty visibility(String metric) {
    return CfnWebACL.VisibilityConfigProperty.builder()
        .cloudWatchMetricsEnabled(true)
        .metricName(metric)
        .sampledRequestsEnabled(true)
        .build();
  }
}
