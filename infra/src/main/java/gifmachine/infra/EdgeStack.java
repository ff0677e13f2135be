package gifmachine.infra;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.certificatemanager.Certificate;
import software.amazon.awscdk.services.cloudfront.AllowedMethods;
import software.amazon.awscdk.services.cloudfront.BehaviorOptions;
import software.amazon.awscdk.services.cloudfront.CachePolicy;
import software.amazon.awscdk.services.cloudfront.Distribution;
import software.amazon.awscdk.services.cloudfront.HttpVersion;
import software.amazon.awscdk.services.cloudfront.IOrigin;
import software.amazon.awscdk.services.cloudfront.OriginProtocolPolicy;
import software.amazon.awscdk.services.cloudfront.OriginRequestPolicy;
import software.amazon.awscdk.services.cloudfront.PriceClass;
import software.amazon.awscdk.services.cloudfront.SecurityPolicyProtocol;
import software.amazon.awscdk.services.cloudfront.ViewerProtocolPolicy;
import software.amazon.awscdk.services.cloudfront.origins.VpcOrigin;
import software.amazon.awscdk.services.cloudfront.origins.VpcOriginWithEndpointProps;
import software.constructs.Construct;

/**
 * The default edge: a CloudFront distribution ({@code https://<id>.cloudfront.net}, or an own
 * domain with a us-east-1 certificate) whose only origin is a VPC origin to the internal load
 * balancer. HTTP is redirected to HTTPS (Grafana answers HTTPS only), HTTP/2 and HTTP/3 are on.
 * Nothing Gifmachine or Grafana answers is cached except the kiosk's script and stylesheet; every
 * viewer header but Host reaches the app (WebSocket upgrades, form and JSON bodies), and Grafana
 * also gets Host, which its CSRF check compares with Origin.
 *
 * <pre>{@code
 * curl -I https://d111111abcdef8.cloudfront.net/gif     # x-cache: Miss from cloudfront, always
 * }</pre>
 */
public final class EdgeStack extends Stack {

  /** The kiosk's static files (Pages: Cache-Control public, max-age=300). */
  static final List<String> STATIC_PATHS = List.of("/gif.js", "/style.css");

  static final List<String> GRAFANA_PATHS =
      List.of(MonitoringStack.GRAFANA_PATH, MonitoringStack.GRAFANA_PATH + "/*");

  private final Distribution distribution;

  public EdgeStack(
      Construct scope,
      String id,
      StackProps props,
      DeploymentConfig config,
      GifmachineStack gifmachine) {
    super(scope, id, props);
    // HTTP to the load balancer: the VPC origin carries it over AWS's network into the private
    // subnets, and an internal load balancer cannot get a public certificate for a name of
    // ours without a domain.
    // https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-vpc-origins.html
    IOrigin origin =
        VpcOrigin.withApplicationLoadBalancer(
            gifmachine.loadBalancer(),
            VpcOriginWithEndpointProps.builder()
                .vpcOriginName(config.deploymentName() + "-alb")
                .protocolPolicy(OriginProtocolPolicy.HTTP_ONLY)
                .httpPort(80)
                .build());

    // WebSockets need the Sec-WebSocket-* headers forwarded (all viewer headers do it); POST
    // needs ALLOW_ALL; CachingDisabled keeps every API answer and page fresh.
    // https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/distribution-working-with.websockets.html
    // https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/using-managed-cache-policies.html
    BehaviorOptions dynamic =
        BehaviorOptions.builder()
            .origin(origin)
            .viewerProtocolPolicy(ViewerProtocolPolicy.REDIRECT_TO_HTTPS)
            .allowedMethods(AllowedMethods.ALLOW_ALL)
            .cachePolicy(CachePolicy.CACHING_DISABLED)
            .originRequestPolicy(OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER)
            .compress(true)
            .build();
    BehaviorOptions assets =
        BehaviorOptions.builder()
            .origin(origin)
            .viewerProtocolPolicy(ViewerProtocolPolicy.REDIRECT_TO_HTTPS)
            .allowedMethods(AllowedMethods.ALLOW_GET_HEAD)
            .cachePolicy(CachePolicy.CACHING_OPTIMIZED)
            .compress(true)
            .build();
    // Grafana rejects a login whose Origin differs from the Host it sees ("origin not
    // allowed"), so it gets the viewer's Host; never plain HTTP for its password and cookie.
    BehaviorOptions grafana =
        BehaviorOptions.builder()
            .origin(origin)
            .viewerProtocolPolicy(ViewerProtocolPolicy.HTTPS_ONLY)
            .allowedMethods(AllowedMethods.ALLOW_ALL)
            .cachePolicy(CachePolicy.CACHING_DISABLED)
            .originRequestPolicy(OriginRequestPolicy.ALL_VIEWER)
            .compress(true)
            .build();
    Map<String, BehaviorOptions> behaviors = new LinkedHashMap<>();
    STATIC_PATHS.forEach(path -> behaviors.put(path, assets));
    if (config.monitoring()) {
      GRAFANA_PATHS.forEach(path -> behaviors.put(path, grafana));
    }

    Distribution.Builder builder =
        Distribution.Builder.create(this, "Distribution")
            .comment("gifmachine-on-aws " + config.deploymentName())
            .defaultBehavior(dynamic)
            .additionalBehaviors(behaviors)
            .httpVersion(HttpVersion.HTTP2_AND_3)
            .enableIpv6(true)
            // North America and Europe edges: the cheapest class; viewers elsewhere still connect.
            .priceClass(PriceClass.PRICE_CLASS_100);
    config
        .customDomain()
        .ifPresent(
            domain ->
                builder
                    .domainNames(List.of(domain))
                    .certificate(
                        Certificate.fromCertificateArn(
                            this, "Certificate", config.certificate().orElseThrow()))
                    .minimumProtocolVersion(SecurityPolicyProtocol.TLS_V1_2_2021));
    if (!config.cloudFrontWebAclArn().isBlank()) {
      builder.webAclId(config.cloudFrontWebAclArn());
    }
    distribution = builder.build();

    String url =
        "https://" + config.customDomain().orElse(distribution.getDistributionDomainName());
    output(StackOutputs.GIFMACHINE_URL, url);
    if (config.monitoring()) {
      output(StackOutputs.GRAFANA_URL, url + MonitoringStack.GRAFANA_PATH + "/");
    }
    output(StackOutputs.DISTRIBUTION_ID, distribution.getDistributionId());
    output(StackOutputs.DISTRIBUTION_DOMAIN_NAME, distribution.getDistributionDomainName());
  }

  private void output(String name, String value) {
    CfnOutput.Builder.create(this, name).value(value).build();
  }

  public Distribution distribution() {
    return distribution;
  }
}
