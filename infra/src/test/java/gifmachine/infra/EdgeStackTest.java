package gifmachine.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;
import software.amazon.awscdk.services.cloudfront.CachePolicy;
import software.amazon.awscdk.services.cloudfront.OriginRequestPolicy;

/**
 * The default edge: CloudFront with a VPC origin to the internal load balancer. Paths are matched
 * the way CloudFront matches them (first cache behavior whose pattern matches, in order, else the
 * default), over the synthesized template.
 */
class EdgeStackTest {
  static JsonNode distribution;
  static Template edge;
  static Template ownDomain;

  static final String CACHING_DISABLED = CachePolicy.CACHING_DISABLED.getCachePolicyId();
  static final String CACHING_OPTIMIZED = CachePolicy.CACHING_OPTIMIZED.getCachePolicyId();
  static final String ALL_VIEWER_EXCEPT_HOST =
      OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER.getOriginRequestPolicyId();
  static final String ALL_VIEWER = OriginRequestPolicy.ALL_VIEWER.getOriginRequestPolicyId();

  @BeforeAll
  static void synthesize() {
    edge = Deployments.template(Deployments.defaultApp(), StackPart.EDGE);
    ownDomain = Deployments.template(Deployments.cloudFrontOptionsApp(), StackPart.EDGE);
    JsonNode resources =
        Deployments.json(Deployments.defaultApp().stack(StackPart.EDGE).orElseThrow())
            .path("Resources");
    for (JsonNode resource : resources) {
      if (resource.path("Type").asText().equals("AWS::CloudFront::Distribution")) {
        distribution = resource.path("Properties").path("DistributionConfig");
      }
    }
  }

  /** The behavior CloudFront picks for {@code path}: first matching pattern, else the default. */
  static JsonNode behaviorFor(String path) {
    for (JsonNode behavior : distribution.path("CacheBehaviors")) {
      if (matches(behavior.path("PathPattern").asText(), path)) {
        return behavior;
      }
    }
    return distribution.path("DefaultCacheBehavior");
  }

  /** CloudFront path patterns: {@code *} any characters, {@code ?} one, case-sensitive. */
  static boolean matches(String pattern, String path) {
    String regex = ("\\Q" + pattern + "\\E").replace("*", "\\E.*\\Q").replace("?", "\\E.\\Q");
    return path.matches(regex);
  }

  @Test
  void the_only_origin_is_a_vpc_origin_to_the_internal_load_balancer_over_http() {
    edge.hasResourceProperties(
        "AWS::CloudFront::VpcOrigin",
        Match.objectLike(
            Map.of(
                "VpcOriginEndpointConfig",
                Match.objectLike(
                    Map.of(
                        "Arn",
                        Match.objectLike(
                            Map.of("Fn::ImportValue", Match.stringLikeRegexp("LoadBalancer"))),
                        "HTTPPort",
                        80,
                        "OriginProtocolPolicy",
                        "http-only")))));
    assertThat(distribution.path("Origins")).hasSize(1);
    assertThat(distribution.path("Origins").get(0).has("VpcOriginConfig")).isTrue();
  }

  @Test
  void viewers_get_https_with_http_redirected_and_http2_and_http3() {
    assertThat(distribution.path("HttpVersion").asText()).isEqualTo("http2and3");
    assertThat(distribution.path("DefaultCacheBehavior").path("ViewerProtocolPolicy").asText())
        .isEqualTo("redirect-to-https");
    for (JsonNode behavior : distribution.path("CacheBehaviors")) {
      assertThat(behavior.path("ViewerProtocolPolicy").asText())
          .as(behavior.path("PathPattern").asText())
          .isIn("redirect-to-https", "https-only");
    }
  }

  @Test
  void
      pages_and_api_answers_are_never_cached_and_get_every_viewer_header_but_host_and_every_method() {
    for (String path :
        List.of(
            "/",
            "/gif",
            "/history",
            "/history?page=2",
            "/search",
            "/view/42",
            "/reload",
            "/healthz")) {
      JsonNode behavior = behaviorFor(path);
      assertThat(behavior.path("CachePolicyId").asText()).as(path).isEqualTo(CACHING_DISABLED);
      assertThat(behavior.path("OriginRequestPolicyId").asText())
          .as(path)
          .isEqualTo(ALL_VIEWER_EXCEPT_HOST);
      assertThat(texts(behavior.path("AllowedMethods")))
          .as(path)
          .contains("GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE");
    }
  }

  @Test
  void the_kiosk_script_and_stylesheet_are_cached() {
    for (String path : List.of("/gif.js", "/style.css")) {
      assertThat(behaviorFor(path).path("CachePolicyId").asText())
          .as(path)
          .isEqualTo(CACHING_OPTIMIZED);
    }
  }

  @Test
  void grafana_is_https_only_uncached_and_gets_the_viewers_host_for_its_origin_check() {
    for (String path :
        List.of("/grafana", "/grafana/", "/grafana/login", "/grafana/api/ds/query")) {
      JsonNode behavior = behaviorFor(path);
      assertThat(behavior.path("ViewerProtocolPolicy").asText()).as(path).isEqualTo("https-only");
      assertThat(behavior.path("CachePolicyId").asText()).as(path).isEqualTo(CACHING_DISABLED);
      assertThat(behavior.path("OriginRequestPolicyId").asText()).as(path).isEqualTo(ALL_VIEWER);
    }
  }

  @Test
  void metrics_reach_only_the_load_balancer_which_answers_them_404() {
    // CloudFront has no behavior of its own for them, so they go to the one origin, where
    // InternalEndpoints answers 404 before any forwarding rule (GifmachineStackTest).
    for (String path : List.of("/metrics", "/metrics/", "/grafana/metrics")) {
      assertThat(InternalEndpoints.PATHS.stream().anyMatch(p -> matchesAlb(p, path)))
          .as(path)
          .isTrue();
    }
    assertThat(distribution.path("Origins")).hasSize(1);
  }

  /** ALB path patterns: {@code *} any characters, {@code ?} one. */
  private static boolean matchesAlb(String pattern, String path) {
    return matches(pattern, path);
  }

  @Test
  void up_prints_the_distributions_https_url_or_the_own_domain() {
    edge.hasOutput(
        StackOutputs.GIFMACHINE_URL,
        Match.objectLike(
            Map.of(
                "Value",
                Map.of(
                    "Fn::Join",
                    List.of(
                        "",
                        List.of(
                            "https://",
                            Map.of(
                                "Fn::GetAtt",
                                List.of(
                                    Match.stringLikeRegexp("Distribution"), "DomainName"))))))));
    ownDomain.hasOutput(StackOutputs.GIFMACHINE_URL, Map.of("Value", "https://gifs.example.com"));
    ownDomain.hasOutput(
        StackOutputs.GRAFANA_URL, Map.of("Value", "https://gifs.example.com/grafana/"));
  }

  @Test
  void an_own_domain_uses_its_us_east_1_certificate_with_tls_1_2_and_the_web_acl_when_deployed() {
    ownDomain.hasResourceProperties(
        "AWS::CloudFront::Distribution",
        Match.objectLike(
            Map.of(
                "DistributionConfig",
                Match.objectLike(
                    Map.of(
                        "Aliases", List.of("gifs.example.com"),
                        "ViewerCertificate",
                            Match.objectLike(
                                Map.of(
                                    "AcmCertificateArn", Deployments.CERTIFICATE,
                                    "MinimumProtocolVersion", "TLSv1.2_2021",
                                    "SslSupportMethod", "sni-only")),
                        "WebACLId", Deployments.WEB_ACL)))));
  }

  @Test
  void waf_for_cloudfront_is_a_cloudfront_scope_web_acl_in_its_own_us_east_1_stack() {
    DeploymentConfig config = Deployments.cloudFrontOptions();
    SynthesizedStack firewall =
        Deployments.cloudFrontOptionsApp().stack(StackPart.FIREWALL).orElseThrow();
    assertThat(config.regionOf(StackPart.FIREWALL)).isEqualTo("us-east-1");
    assertThat(config.regionOf(StackPart.EDGE)).isEqualTo("eu-west-1");
    // Only the execution role comes first: it deploys every stack, this one included.
    assertThat(firewall.dependsOn()).containsExactly(config.stackName(StackPart.EXECUTION_ROLE));
    Template acl = Template.fromString(firewall.templateBody());
    acl.hasResourceProperties(
        "AWS::WAFv2::WebACL",
        Match.objectLike(
            Map.of(
                "Scope",
                "CLOUDFRONT",
                "Rules",
                Match.arrayWith(
                    List.of(
                        Match.objectLike(Map.of("Name", "AWSManagedRulesCommonRuleSet")),
                        Match.objectLike(
                            Map.of(
                                "Name",
                                "PostGifRateLimit",
                                "Statement",
                                Map.of(
                                    "RateBasedStatement",
                                    Match.objectLike(
                                        Map.of("Limit", WebFirewall.POST_GIF_LIMIT))))))))));
    acl.resourceCountIs("AWS::WAFv2::WebACLAssociation", 0);
    acl.hasOutput(StackOutputs.WEB_ACL_ARN, Match.anyValue());
    assertThat(Deployments.defaultApp().stack(StackPart.FIREWALL)).isEmpty();
    assertThat(Deployments.everyOptionApp().stack(StackPart.FIREWALL))
        .as("ALB edge: regional")
        .isEmpty();
  }

  @Test
  void the_alb_edge_has_no_distribution() {
    assertThat(Deployments.everyOptionApp().stack(StackPart.EDGE)).isEmpty();
  }

  @Test
  void no_security_group_rule_of_the_default_deployment_admits_the_whole_internet() {
    List<String> open = new ArrayList<>();
    for (SynthesizedStack stack : Deployments.defaultApp().stacks()) {
      Deployments.json(stack)
          .path("Resources")
          .properties()
          .forEach(
              entry -> {
                JsonNode resource = entry.getValue();
                String type = resource.path("Type").asText();
                List<JsonNode> rules = new ArrayList<>();
                if (type.equals("AWS::EC2::SecurityGroup")) {
                  resource.path("Properties").path("SecurityGroupIngress").forEach(rules::add);
                } else if (type.equals("AWS::EC2::SecurityGroupIngress")) {
                  rules.add(resource.path("Properties"));
                }
                for (JsonNode rule : rules) {
                  Optional<String> cidr =
                      Optional.ofNullable(rule.get("CidrIp"))
                          .map(JsonNode::asText)
                          .or(
                              () ->
                                  Optional.ofNullable(rule.get("CidrIpv6")).map(JsonNode::asText));
                  if (cidr.filter(c -> c.equals("0.0.0.0/0") || c.equals("::/0")).isPresent()) {
                    open.add(stack.part() + "/" + entry.getKey() + " " + rule);
                  }
                }
              });
    }
    assertThat(open).isEmpty();
  }

  private static List<String> texts(JsonNode array) {
    List<String> values = new ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }
}
