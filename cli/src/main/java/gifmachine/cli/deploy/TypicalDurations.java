package gifmachine.cli.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.Map;

/**
 * How long CloudFormation typically takes, for the ETA shown beside each stack. A stack's resources
 * are created in parallel where they can be, so a stack takes about as long as its slowest resource
 * plus some bookkeeping. Numbers are rounded observations from eu-west-1.
 */
public final class TypicalDurations {

  private static final Map<String, Duration> CREATE =
      Map.ofEntries(
          Map.entry("AWS::RDS::DBInstance", Duration.ofMinutes(8)),
          Map.entry("AWS::EC2::NatGateway", Duration.ofMinutes(2)),
          Map.entry("AWS::EC2::Instance", Duration.ofSeconds(90)),
          Map.entry("AWS::ElasticLoadBalancingV2::LoadBalancer", Duration.ofMinutes(3)),
          Map.entry("AWS::ECS::Service", Duration.ofMinutes(4)),
          Map.entry("AWS::EFS::MountTarget", Duration.ofSeconds(90)),
          Map.entry("AWS::ServiceDiscovery::PrivateDnsNamespace", Duration.ofSeconds(60)),
          Map.entry("AWS::WAFv2::WebACL", Duration.ofSeconds(60)),
          Map.entry("AWS::EC2::VPCEndpoint", Duration.ofSeconds(90)),
          Map.entry("AWS::CodeBuild::Project", Duration.ofSeconds(30)),
          Map.entry("AWS::IAM::Role", Duration.ofSeconds(20)));
  private static final Duration DEFAULT = Duration.ofSeconds(10);
  private static final Duration OVERHEAD = Duration.ofSeconds(20);

  private final ObjectMapper json = new ObjectMapper();

  /** Typical creation time of a stack with this template (updates take about half). */
  public Duration create(String templateBody) {
    Duration longest = DEFAULT;
    try {
      JsonNode resources = json.readTree(templateBody).path("Resources");
      for (JsonNode resource : resources) {
        Duration typical = CREATE.getOrDefault(resource.path("Type").asText(), DEFAULT);
        if (typical.compareTo(longest) > 0) {
          longest = typical;
        }
      }
    } catch (Exception e) {
      return OVERHEAD;
    }
    return longest.plus(OVERHEAD);
  }

  public Duration update(String templateBody) {
    return create(templateBody).dividedBy(2);
  }

  /** Deletion: RDS takes its final snapshot, everything else is quick. */
  public Duration delete() {
    return Duration.ofMinutes(3);
  }
}
