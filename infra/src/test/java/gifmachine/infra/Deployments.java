package gifmachine.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Configurations the tests synthesize, each synthesized once per JVM (synthesis starts node and
 * takes seconds) and shared by every test class.
 */
final class Deployments {
  private Deployments() {}

  static final ObjectMapper JSON = new ObjectMapper();

  /** Each image's digest a different letter repeated: gifmachine a…, csidecar b…, …, grafana e…. */
  static final ImageSet IMAGES =
      ImageSet.of(
          image ->
              "123456789012.dkr.ecr.eu-west-1.amazonaws.com/prod-dundermiff/"
                  + image.repositoryName()
                  + "@sha256:"
                  + String.valueOf((char) ('a' + image.ordinal())).repeat(64));

  /** The validation hook's jar as the CLI names it: by its content hash. */
  static final String HOOK_KEY = "hook/" + "f".repeat(64) + ".jar";

  /** In us-east-1: what CloudFront requires, and the region of {@link #everyOption()}. */
  static final String CERTIFICATE =
      "arn:aws:acm:us-east-1:123456789012:certificate/0f0e0d0c-1111-2222-3333-444455556666";

  /** What EC2 DescribeManagedPrefixLists returns for CloudFront's origin-facing list. */
  static final String PREFIX_LIST = "pl-4fa04526";

  static final String WEB_ACL =
      "arn:aws:wafv2:us-east-1:123456789012:global/webacl/prod-dundermiff/a1b2c3d4-5678-90ab-cdef-EXAMPLE11111";

  /**
   * The defaults: CloudFront in front of an internal load balancer, NAT instance, ARM tasks,
   * monitoring on Spot and pipeline, no WAF, with the prefix list the CLI looks up.
   */
  static DeploymentConfig defaults() {
    return defaultsBuilder().originFacingPrefixListId(PREFIX_LIST).build();
  }

  /**
   * The CloudFront edge with everything it can have: own domain, WAF (deployed), on-demand
   * monitoring.
   */
  static DeploymentConfig cloudFrontOptions() {
    return defaultsBuilder()
        .originFacingPrefixListId(PREFIX_LIST)
        .domain("gifs.example.com")
        .certificateArn(CERTIFICATE)
        .waf(true)
        .cloudFrontWebAclArn(WEB_ACL)
        .monitoringSpot(false)
        .build();
  }

  static DeploymentConfig.Builder defaultsBuilder() {
    return DeploymentConfig.builder("prod", "dundermiff", "eu-west-1")
        .images(IMAGES)
        .hookCodeKey(HOOK_KEY);
  }

  /** Output names other than the exports CDK adds for cross-stack references. */
  static java.util.Set<String> contractOutputs(software.amazon.awscdk.assertions.Template t) {
    return t.findOutputs("*").keySet().stream()
        .filter(name -> !name.startsWith("ExportsOutput"))
        .collect(java.util.stream.Collectors.toSet());
  }

  static software.amazon.awscdk.assertions.Template template(SynthesizedApp app, StackPart part) {
    return software.amazon.awscdk.assertions.Template.fromString(
        app.stack(part).orElseThrow().templateBody());
  }

  /**
   * Every option the other way: the internet-facing load balancer of old, NAT gateway, endpoints,
   * x86, WAF, HTTPS, Grafana apart.
   */
  static DeploymentConfig everyOption() {
    return DeploymentConfig.builder("staging", "initech", "us-east-1")
        .images(IMAGES)
        .edge(Edge.ALB)
        .natGateway(true)
        .interfaceEndpoints(true)
        .graviton(false)
        .waf(true)
        .certificateArn(CERTIFICATE)
        .minTasks(2)
        .maxTasks(6)
        .separateGrafanaTask(true)
        .build();
  }

  private static final Map<String, SynthesizedApp> APPS = new ConcurrentHashMap<>();

  static SynthesizedApp defaultApp() {
    return APPS.computeIfAbsent("defaults", key -> Infrastructure.synthesize(defaults()));
  }

  /** The smallest deployment: no monitoring, no pipeline, otherwise the defaults. */
  static DeploymentConfig minimal() {
    return defaultsBuilder().monitoring(false).pipeline(false).build();
  }

  static SynthesizedApp minimalApp() {
    return APPS.computeIfAbsent("minimal", key -> Infrastructure.synthesize(minimal()));
  }

  static SynthesizedApp everyOptionApp() {
    return APPS.computeIfAbsent("everyOption", key -> Infrastructure.synthesize(everyOption()));
  }

  static SynthesizedApp cloudFrontOptionsApp() {
    return APPS.computeIfAbsent(
        "cloudFrontOptions", key -> Infrastructure.synthesize(cloudFrontOptions()));
  }

  /**
   * The stacks whose resources CloudFormation creates with the execution role: all but the role's
   * own stack (the operator creates that one, see ExecutionRoleStack).
   */
  static java.util.stream.Stream<SynthesizedStack> createdWithTheExecutionRole(SynthesizedApp app) {
    return app.stacks().stream().filter(stack -> stack.part() != StackPart.EXECUTION_ROLE);
  }

  static JsonNode json(SynthesizedStack stack) {
    try {
      return JSON.readTree(stack.templateBody());
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
