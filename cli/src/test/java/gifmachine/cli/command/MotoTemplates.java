package gifmachine.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import gifmachine.infra.SynthesizedApp;
import gifmachine.infra.SynthesizedStack;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Test fixture: adapts a COPY of each synthesized template to what moto 5.2's CloudFormation can
 * take (read from moto/cloudformation/parsing.py: a type missing from its model map is skipped, and
 * a stack whose {@code Fn::GetAtt} points at a skipped resource fails). The production templates
 * are never changed. What it drops, and why:
 *
 * <ul>
 *   <li>{@code AWS::SecretsManager::Secret}, {@code ::SecretTargetAttachment} (RDS and Grafana
 *       credentials): not in moto's model map.
 *   <li>{@code AWS::ServiceDiscovery::*} (Cloud Map for cDepot), {@code
 *       AWS::ApplicationAutoScaling::*} (CPU scaling), {@code AWS::WAFv2::*}, {@code
 *       AWS::Logs::QueryDefinition} (saved Insights queries), {@code AWS::CodeBuild::*}, {@code
 *       AWS::CodeDeploy::*}, {@code AWS::CodePipeline::*}: not in the model map.
 *   <li>{@code AWS::EC2::SecurityGroupEgress}, {@code AWS::S3::BucketPolicy}: not in the model map.
 *   <li>{@code AWS::CloudFront::*} (the edge's distribution and VPC origin): not in the model map;
 *       a {@code Fn::GetAtt} of its {@code DomainName} becomes a host name under {@code .invalid},
 *       so the URL the CLI prints is still a URL.
 *   <li>{@code AWS::EC2::SecurityGroupIngress} from a prefix list (CloudFront's origin-facing
 *       list): moto's parser asserts a CIDR or group source ({@code SourcePrefixListId} unread).
 *   <li>{@code AWS::EC2::RouteTable}, {@code ::Route}, {@code ::SubnetRouteTableAssociation} and
 *       the S3 gateway {@code AWS::EC2::VPCEndpoint} (which names the route tables): with them moto
 *       cannot delete the VPC stack (DependencyViolation on DeleteStack).
 *   <li>{@code AWS::IAM::ManagedPolicy} (the execution role's policies): moto's DeleteStack deletes
 *       the role before detaching them ("must detach all policies first"); moto evaluates no role's
 *       policy when CloudFormation deploys anyway.
 * </ul>
 *
 * And it changes, where moto's parser breaks on valid templates: security group rules with {@code
 * IpProtocol -1} get {@code FromPort/ToPort -1} (moto needs them: KeyError 'FromPort'); a
 * listener's weighted forward default action names its heaviest group only (moto reads {@code
 * TargetGroupArn}); the NAT instance's EBS mapping gets a {@code VolumeSize} (moto: "must contain
 * size/snapshot"); the DB instance loses {@code DBParameterGroupName} (moto expects a name where
 * the template has a Ref); {@code Fn::GetAtt} on {@code AWS::EFS::FileSystem} becomes a literal
 * (moto's FileSystem has no attributes); an ECS service whose {@code TaskDefinition} is the family
 * name (what CDK writes for a {@code CODE_DEPLOY} service; AWS takes the latest revision) gets a
 * {@code Ref} to that task definition instead (moto looks up {@code family:revision} only).
 * References to a dropped resource ({@code Ref}, {@code Fn::GetAtt}, {@code DependsOn}, {@code
 * ${Name}} in {@code Fn::Sub}) become the literal ARN {@code
 * arn:aws:moto:us-east-1:123456789012:dropped/<LogicalId>} (IAM policies need ARNs), so the CLI
 * still reads every output it expects.
 */
final class MotoTemplates {

  static final List<String> DROPPED_TYPE_PREFIXES =
      List.of(
          "AWS::SecretsManager::Secret",
          "AWS::SecretsManager::SecretTargetAttachment",
          "AWS::ServiceDiscovery::",
          "AWS::ApplicationAutoScaling::",
          "AWS::WAFv2::",
          "AWS::Logs::QueryDefinition",
          "AWS::CodeBuild::",
          "AWS::CodeDeploy::",
          "AWS::CodePipeline::",
          "AWS::EC2::SecurityGroupEgress",
          "AWS::S3::BucketPolicy",
          "AWS::EC2::RouteTable",
          "AWS::EC2::Route",
          "AWS::EC2::SubnetRouteTableAssociation",
          "AWS::EC2::VPCEndpoint",
          "AWS::IAM::ManagedPolicy",
          "AWS::CloudFront::");

  static final String PLACEHOLDER = "arn:aws:moto:us-east-1:123456789012:dropped/";

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One line per dropped resource: {@code stack: LogicalId (Type)}. */
  final List<String> dropped = new CopyOnWriteArrayList<>();

  SynthesizedApp adapt(SynthesizedApp app) {
    List<SynthesizedStack> stacks = new ArrayList<>();
    for (SynthesizedStack stack : app.stacks()) {
      stacks.add(
          new SynthesizedStack(
              stack.stackName(),
              stack.part(),
              adapt(stack.stackName(), stack.templateBody()),
              stack.dependsOn(),
              stack.tags()));
    }
    return new SynthesizedApp(stacks);
  }

  String adapt(String stackName, String templateBody) {
    try {
      ObjectNode template = (ObjectNode) JSON.readTree(templateBody).deepCopy();
      ObjectNode resources = (ObjectNode) template.path("Resources");
      Set<String> gone = new HashSet<>();
      Set<String> noAttributes = new HashSet<>();
      resources
          .fields()
          .forEachRemaining(
              entry -> {
                JsonNode resource = entry.getValue();
                String type = resource.path("Type").asText();
                if (type.equals("AWS::EFS::FileSystem")) {
                  noAttributes.add(entry.getKey());
                }
                if (type.equals("AWS::RDS::DBInstance")) {
                  ((ObjectNode) resource.path("Properties")).remove("DBParameterGroupName");
                }
                if (type.equals("AWS::EC2::Instance")) {
                  resource
                      .path("Properties")
                      .path("BlockDeviceMappings")
                      .forEach(
                          mapping -> {
                            if (mapping.path("Ebs").isObject()
                                && !mapping.path("Ebs").has("VolumeSize")) {
                              ((ObjectNode) mapping.path("Ebs")).put("VolumeSize", 8);
                            }
                          });
                }
              });
      resources
          .fields()
          .forEachRemaining(
              entry -> {
                if (entry
                    .getValue()
                    .path("Type")
                    .asText()
                    .equals("AWS::ElasticLoadBalancingV2::Listener")) {
                  entry
                      .getValue()
                      .path("Properties")
                      .path("DefaultActions")
                      .forEach(MotoTemplates::singleForward);
                }
              });
      Map<String, String> families = new java.util.HashMap<>();
      resources
          .fields()
          .forEachRemaining(
              entry -> {
                if (entry.getValue().path("Type").asText().equals("AWS::ECS::TaskDefinition")
                    && entry.getValue().path("Properties").path("Family").isTextual()) {
                  families.put(
                      entry.getValue().path("Properties").path("Family").asText(), entry.getKey());
                }
              });
      resources
          .fields()
          .forEachRemaining(
              entry -> {
                JsonNode properties = entry.getValue().path("Properties");
                if (entry.getValue().path("Type").asText().equals("AWS::ECS::Service")
                    && properties.path("TaskDefinition").isTextual()
                    && families.containsKey(properties.path("TaskDefinition").asText())) {
                  ((ObjectNode) properties)
                      .set(
                          "TaskDefinition",
                          JSON.createObjectNode()
                              .put(
                                  "Ref", families.get(properties.path("TaskDefinition").asText())));
                }
              });
      for (Iterator<Map.Entry<String, JsonNode>> it = resources.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        String type = entry.getValue().path("Type").asText();
        boolean fromPrefixList =
            type.equals("AWS::EC2::SecurityGroupIngress")
                && entry.getValue().path("Properties").has("SourcePrefixListId");
        if (fromPrefixList || DROPPED_TYPE_PREFIXES.stream().anyMatch(type::startsWith)) {
          gone.add(entry.getKey());
          String line = stackName + ": " + entry.getKey() + " (" + type + ")";
          if (!dropped.contains(line)) {
            dropped.add(line);
          }
          it.remove();
        }
      }
      JsonNode adapted = replace(template, gone, noAttributes);
      allPorts(adapted);
      return JSON.writeValueAsString(adapted);
    } catch (Exception e) {
      throw new IllegalStateException("adapting " + stackName + " for moto", e);
    }
  }

  /**
   * moto's listener model reads a forward default action's {@code TargetGroupArn} only: a weighted
   * {@code ForwardConfig} becomes its heaviest group (the one production reaches).
   */
  private static void singleForward(JsonNode action) {
    JsonNode groups = action.path("ForwardConfig").path("TargetGroups");
    if (!action.path("Type").asText().equals("forward")
        || action.has("TargetGroupArn")
        || !groups.isArray()) {
      return;
    }
    JsonNode heaviest = groups.get(0);
    for (JsonNode group : groups) {
      if (group.path("Weight").asInt(1) > heaviest.path("Weight").asInt(1)) {
        heaviest = group;
      }
    }
    ((ObjectNode) action).set("TargetGroupArn", heaviest.path("TargetGroupArn").deepCopy());
    ((ObjectNode) action).remove("ForwardConfig");
  }

  private static void allPorts(JsonNode node) {
    if (node.isObject()) {
      ObjectNode object = (ObjectNode) node;
      if ("-1".equals(object.path("IpProtocol").asText(null)) && !object.has("FromPort")) {
        object.put("FromPort", -1);
        object.put("ToPort", -1);
      }
    }
    node.forEach(MotoTemplates::allPorts);
  }

  private static JsonNode replace(JsonNode node, Set<String> gone, Set<String> noAttributes) {
    if (node.isObject()) {
      ObjectNode object = (ObjectNode) node;
      if (object.size() == 1 && object.has("Ref") && gone.contains(object.get("Ref").asText())) {
        return TextNode.valueOf(PLACEHOLDER + object.get("Ref").asText());
      }
      if (object.size() == 1 && object.has("Fn::GetAtt")) {
        JsonNode target = object.get("Fn::GetAtt");
        String logical =
            target.isArray() ? target.path(0).asText() : target.asText().split("\\.")[0];
        if (gone.contains(logical)
            && target.isArray()
            && target.path(1).asText().equals("DomainName")) {
          return TextNode.valueOf(logical.toLowerCase(java.util.Locale.ROOT) + ".dropped.invalid");
        }
        if (gone.contains(logical) || noAttributes.contains(logical)) {
          return TextNode.valueOf(PLACEHOLDER + logical);
        }
      }
      if (object.has("DependsOn")) {
        JsonNode dependsOn = object.get("DependsOn");
        if (dependsOn.isTextual() && gone.contains(dependsOn.asText())) {
          object.remove("DependsOn");
        } else if (dependsOn.isArray()) {
          ArrayNode kept = JSON.createArrayNode();
          dependsOn.forEach(
              d -> {
                if (!gone.contains(d.asText())) {
                  kept.add(d);
                }
              });
          object.set("DependsOn", kept);
        }
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> entry = it.next();
        entry.setValue(replace(entry.getValue(), gone, noAttributes));
      }
      return object;
    }
    if (node.isArray()) {
      ArrayNode array = (ArrayNode) node;
      for (int i = 0; i < array.size(); i++) {
        array.set(i, replace(array.get(i), gone, noAttributes));
      }
      return array;
    }
    if (node.isTextual()) {
      String text = node.asText();
      for (String logical : gone) {
        text =
            text.replace("${" + logical + "}", PLACEHOLDER + logical)
                .replaceAll(
                    "\\$\\{" + java.util.regex.Pattern.quote(logical) + "\\.[A-Za-z.]+}",
                    PLACEHOLDER + logical);
      }
      return TextNode.valueOf(text);
    }
    return node;
  }
}
