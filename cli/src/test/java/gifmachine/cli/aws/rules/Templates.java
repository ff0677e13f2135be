package gifmachine.cli.aws.rules;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reading synthesized templates the way CloudFormation does for the simulated services: intrinsic
 * functions resolved against physical ids and exports, imports collected, and which property
 * changes replace a resource (from the resource types' "Update requires: Replacement" in the
 * CloudFormation template reference).
 */
final class Templates {

  static final ObjectMapper JSON = new ObjectMapper();

  /** Properties whose change replaces the resource; every property for a task definition. */
  static final Map<String, Set<String>> REPLACING =
      Map.of(
          // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-elasticloadbalancingv2-listenerrule.html
          "AWS::ElasticLoadBalancingV2::ListenerRule", Set.of("ListenerArn"),
          // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-elasticloadbalancingv2-listener.html
          "AWS::ElasticLoadBalancingV2::Listener", Set.of("LoadBalancerArn"),
          // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-elasticloadbalancingv2-targetgroup.html
          "AWS::ElasticLoadBalancingV2::TargetGroup",
              Set.of("Name", "Port", "Protocol", "TargetType", "VpcId"),
          // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ecs-service.html
          "AWS::ECS::Service", Set.of("Cluster", "LaunchType", "ServiceName", "Role"),
          // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-instance.html
          "AWS::EC2::Instance", Set.of("ImageId", "AvailabilityZone", "SubnetId"),
          // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ec2-subnet.html
          "AWS::EC2::Subnet", Set.of("AvailabilityZone", "CidrBlock", "VpcId"),
          // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-rds-dbinstance.html
          "AWS::RDS::DBInstance",
              Set.of(
                  "DBSnapshotIdentifier",
                  "DBName",
                  "MasterUsername",
                  "StorageEncrypted",
                  "KmsKeyId",
                  "DBInstanceIdentifier"));

  private Templates() {}

  static JsonNode parse(String body) {
    try {
      return JSON.readTree(body);
    } catch (Exception e) {
      throw new IllegalArgumentException("not a JSON template", e);
    }
  }

  static boolean replaces(String type, Set<String> changedProperties) {
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-ecs-taskdefinition.html
    if (type.equals("AWS::ECS::TaskDefinition")) {
      return !changedProperties.isEmpty();
    }
    Set<String> replacing = REPLACING.getOrDefault(type, Set.of());
    return changedProperties.stream().anyMatch(replacing::contains);
  }

  /** Every {@code Fn::ImportValue} name in the node. */
  static Set<String> imports(JsonNode node, Function<JsonNode, JsonNode> resolve) {
    Set<String> names = new HashSet<>();
    collectImports(node, resolve, names);
    return names;
  }

  private static void collectImports(
      JsonNode node, Function<JsonNode, JsonNode> resolve, Set<String> names) {
    if (node.isObject() && node.size() == 1 && node.has("Fn::ImportValue")) {
      names.add(resolve.apply(node.get("Fn::ImportValue")).asText());
      return;
    }
    node.forEach(child -> collectImports(child, resolve, names));
  }

  /**
   * Resolves intrinsic functions.
   *
   * @param ref logical id (or pseudo parameter) to its {@code Ref} value
   * @param getAtt logical id and attribute to the value
   * @param importValue export name to value
   */
  static JsonNode resolve(
      JsonNode node,
      Function<String, String> ref,
      java.util.function.BiFunction<String, String, String> getAtt,
      Function<String, String> importValue) {
    Function<JsonNode, JsonNode> self = n -> resolve(n, ref, getAtt, importValue);
    if (node.isObject()) {
      if (node.size() == 1) {
        String key = node.fieldNames().next();
        JsonNode arg = node.get(key);
        switch (key) {
          case "Ref" -> {
            return TextNode.valueOf(ref.apply(arg.asText()));
          }
          case "Fn::GetAtt" -> {
            String logical = arg.isArray() ? arg.get(0).asText() : arg.asText().split("\\.", 2)[0];
            String attribute =
                arg.isArray() ? arg.get(1).asText() : arg.asText().split("\\.", 2)[1];
            return TextNode.valueOf(getAtt.apply(logical, attribute));
          }
          case "Fn::ImportValue" -> {
            return TextNode.valueOf(importValue.apply(self.apply(arg).asText()));
          }
          case "Fn::Join" -> {
            StringBuilder joined = new StringBuilder();
            JsonNode parts = self.apply(arg.get(1));
            for (int i = 0; i < parts.size(); i++) {
              joined.append(i == 0 ? "" : arg.get(0).asText()).append(parts.get(i).asText());
            }
            return TextNode.valueOf(joined.toString());
          }
          case "Fn::Select" -> {
            JsonNode list = self.apply(arg.get(1));
            int index = self.apply(arg.get(0)).asInt();
            return list.isArray() && list.size() > index
                ? list.get(index)
                : TextNode.valueOf("select" + index);
          }
          case "Fn::GetAZs" -> {
            // The model's zones, as its AccountGateway lists them.
            String region = ref.apply("AWS::Region");
            return JSON.createArrayNode().add(region + "a").add(region + "b").add(region + "c");
          }
          case "Fn::Split" -> {
            ArrayNode out = JSON.createArrayNode();
            for (String part :
                self.apply(arg.get(1))
                    .asText()
                    .split(java.util.regex.Pattern.quote(arg.get(0).asText()), -1)) {
              out.add(part);
            }
            return out;
          }
          case "Fn::Sub" -> {
            String text = arg.isArray() ? arg.get(0).asText() : arg.asText();
            java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("\\$\\{([^}]+)}").matcher(text);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
              String name = m.group(1);
              String value =
                  name.contains(".")
                      ? getAtt.apply(name.split("\\.", 2)[0], name.split("\\.", 2)[1])
                      : ref.apply(name);
              m.appendReplacement(out, java.util.regex.Matcher.quoteReplacement(value));
            }
            m.appendTail(out);
            return TextNode.valueOf(out.toString());
          }
          default -> {}
        }
      }
      ObjectNode copy = JSON.createObjectNode();
      node.fields().forEachRemaining(e -> copy.set(e.getKey(), self.apply(e.getValue())));
      return copy;
    }
    if (node.isArray()) {
      ArrayNode copy = JSON.createArrayNode();
      node.forEach(child -> copy.add(self.apply(child)));
      return copy;
    }
    return node;
  }
}
