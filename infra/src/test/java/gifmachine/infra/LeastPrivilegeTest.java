package gifmachine.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** IAM statements, tags and public exposure across every stack of both configurations. */
class LeastPrivilegeTest {

  /**
   * Actions AWS grants only on {@code "*"} (no resource-level permissions), each where we use it:
   * image pulls/pushes, ECS Exec's channels, Exec's log-group discovery, the deploy action, the
   * build reading the current task definition.
   */
  static final Set<String> ONLY_ON_ANY_RESOURCE =
      Set.of(
          "ecr:GetAuthorizationToken",
          "ssmmessages:CreateControlChannel",
          "ssmmessages:CreateDataChannel",
          "ssmmessages:OpenControlChannel",
          "ssmmessages:OpenDataChannel",
          "logs:DescribeLogGroups",
          "ecs:RegisterTaskDefinition",
          "ecs:DescribeTaskDefinition",
          // A Lambda function in a VPC (the validation hook) describes its subnets and interfaces.
          "ec2:DescribeNetworkInterfaces",
          "ec2:DescribeSubnets",
          // The pipeline's Deploy role holds the operator's policy (OperatorPolicy says why each
          // of these takes no resource): pre-flight, status, down.
          "sts:GetCallerIdentity",
          "ec2:DescribeAvailabilityZones",
          "ec2:DescribeInstanceTypeOfferings",
          "ec2:DescribeManagedPrefixLists",
          "ec2:DescribeRegions",
          "ecs:DeregisterTaskDefinition",
          "ecs:ListTaskDefinitions",
          "elasticloadbalancing:DescribeRules",
          "elasticloadbalancing:DescribeTargetHealth",
          "tag:GetResources");

  /**
   * Every stack but the execution role's: CloudFormation creates resources with that role, so it
   * holds the handler permissions of every type we deploy, most of which name no resource before it
   * exists; ExecutionRoleTest checks how it is narrowed instead.
   */
  static Stream<SynthesizedStack> stacks() {
    return NoBootstrapTest.stacks().filter(stack -> stack.part() != StackPart.EXECUTION_ROLE);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stacks")
  void no_statement_allows_every_action_and_only_resource_less_actions_apply_to_any_resource(
      SynthesizedStack stack) {
    for (JsonNode statement : statements(Deployments.json(stack))) {
      List<String> actions = strings(statement.path("Action"));
      assertThat(actions)
          .as(statement.toString())
          .noneMatch(action -> action.equals("*") || action.endsWith(":*"));
      if (strings(statement.path("Resource")).contains("*")) {
        assertThat(actions)
            .as("actions on every resource in " + statement)
            .allMatch(ONLY_ON_ANY_RESOURCE::contains);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stacks")
  void every_taggable_resource_carries_the_four_tags(SynthesizedStack stack) {
    Deployments.json(stack)
        .path("Resources")
        .properties()
        .forEach(
            entry -> {
              JsonNode tags = entry.getValue().path("Properties").path("Tags");
              if (tags.isArray()) {
                List<String> keys = new ArrayList<>();
                tags.forEach(tag -> keys.add(tag.path("Key").asText()));
                assertThat(keys)
                    .as(entry.getKey())
                    .contains("Environment", "Company", "Service", DeploymentConfig.DEPLOYMENT_TAG);
              }
            });
    assertThat(stack.tags())
        .containsKeys("Environment", "Company", "Service", DeploymentConfig.DEPLOYMENT_TAG);
  }

  private static List<JsonNode> statements(JsonNode template) {
    List<JsonNode> result = new ArrayList<>();
    template
        .path("Resources")
        .forEach(
            resource -> {
              JsonNode properties = resource.path("Properties");
              properties.path("PolicyDocument").path("Statement").forEach(result::add);
              properties
                  .path("Policies")
                  .forEach(
                      policy ->
                          policy.path("PolicyDocument").path("Statement").forEach(result::add));
            });
    return result.stream().filter(s -> s.path("Effect").asText().equals("Allow")).toList();
  }

  private static List<String> strings(JsonNode node) {
    List<String> values = new ArrayList<>();
    if (node.isTextual()) {
      values.add(node.asText());
    } else if (node.isArray()) {
      node.forEach(value -> values.add(value.isTextual() ? value.asText() : value.toString()));
    }
    return values;
  }
}
