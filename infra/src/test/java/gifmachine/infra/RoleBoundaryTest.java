package gifmachine.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import gifmachine.infra.iam.ExecutionRolePolicy;
import gifmachine.infra.iam.RoleBoundary;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The permissions boundary closes the escalation through CloudFormation: every role of every option
 * combination carries it, it allows exactly what those roles' policies use, it fits IAM's size
 * limit, and the execution role may write role policies only on roles that carry it.
 */
class RoleBoundaryTest {

  /**
   * Actions of the AWS managed policies our roles attach, from their published documents (an
   * unknown managed policy fails {@link #the_boundary_allows_exactly_the_actions_our_roles_use}).
   */
  private static final Map<String, Set<String>> AWS_MANAGED_POLICY_ACTIONS =
      Map.of(
          // v6:
          // https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AmazonECSInfrastructureRolePolicyForLoadBalancers.html
          "AmazonECSInfrastructureRolePolicyForLoadBalancers",
          Set.of(
              "elasticloadbalancing:DeregisterTargets",
              "elasticloadbalancing:DescribeListeners",
              "elasticloadbalancing:DescribeRules",
              "elasticloadbalancing:DescribeTargetGroups",
              "elasticloadbalancing:DescribeTargetHealth",
              "elasticloadbalancing:ModifyListener",
              "elasticloadbalancing:ModifyRule",
              "elasticloadbalancing:RegisterTargets"));

  static Stream<SynthesizedApp> combinations() {
    return Stream.of(
        Deployments.defaultApp(),
        Deployments.everyOptionApp(),
        Deployments.minimalApp(),
        Deployments.cloudFrontOptionsApp());
  }

  static Stream<JsonNode> resources(SynthesizedApp app) {
    List<JsonNode> resources = new ArrayList<>();
    app.stacks().stream()
        .filter(stack -> stack.part() != StackPart.EXECUTION_ROLE)
        .forEach(stack -> Deployments.json(stack).path("Resources").forEach(resources::add));
    return resources.stream();
  }

  static SortedSet<String> actionsOurRolesUse() {
    SortedSet<String> actions = new TreeSet<>();
    combinations()
        .flatMap(RoleBoundaryTest::resources)
        .forEach(
            resource -> {
              JsonNode properties = resource.path("Properties");
              switch (resource.path("Type").asText()) {
                case "AWS::IAM::Role" -> {
                  properties
                      .path("Policies")
                      .forEach(policy -> addActions(policy.path("PolicyDocument"), actions));
                  properties
                      .path("ManagedPolicyArns")
                      .forEach(arn -> actions.addAll(awsManagedPolicyActions(arn)));
                }
                case "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy" ->
                    addActions(properties.path("PolicyDocument"), actions);
                default -> {}
              }
            });
    return actions;
  }

  private static void addActions(JsonNode document, SortedSet<String> actions) {
    document
        .path("Statement")
        .forEach(
            statement -> {
              assertThat(statement.path("Effect").asText()).isEqualTo("Allow");
              JsonNode action = statement.path("Action");
              if (action.isArray()) {
                action.forEach(a -> actions.add(a.asText()));
              } else {
                actions.add(action.asText());
              }
            });
  }

  private static Set<String> awsManagedPolicyActions(JsonNode arn) {
    String rendered = arn.toString();
    return AWS_MANAGED_POLICY_ACTIONS.entrySet().stream()
        .filter(entry -> rendered.contains(":iam::aws:policy/" + entry.getKey()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("a managed policy without known actions: " + arn))
        .getValue();
  }

  @Test
  void the_boundary_allows_exactly_the_actions_our_roles_use() {
    assertThat(RoleBoundary.actions()).isEqualTo(actionsOurRolesUse());
  }

  @Test
  void the_boundary_would_reject_a_role_policy_action_outside_it() {
    SortedSet<String> used = actionsOurRolesUse();
    used.add("iam:CreateUser");
    assertThat(RoleBoundary.actions()).isNotEqualTo(used).doesNotContain("iam:CreateUser");
  }

  @Test
  void every_role_of_every_option_combination_carries_the_boundary() {
    List<String> roles = new ArrayList<>();
    List<String> unbounded = new ArrayList<>();
    combinations()
        .flatMap(app -> app.stacks().stream())
        .filter(stack -> stack.part() != StackPart.EXECUTION_ROLE)
        .forEach(
            stack ->
                Deployments.json(stack)
                    .path("Resources")
                    .properties()
                    .forEach(
                        entry -> {
                          if (!entry.getValue().path("Type").asText().equals("AWS::IAM::Role")) {
                            return;
                          }
                          String where = stack.stackName() + "/" + entry.getKey();
                          roles.add(where);
                          String boundary =
                              entry
                                  .getValue()
                                  .path("Properties")
                                  .path("PermissionsBoundary")
                                  .toString();
                          String name =
                              stack
                                  .stackName()
                                  .substring(
                                      0,
                                      stack.stackName().length()
                                          - stack.part().suffix().length()
                                          - 1);
                          if (!boundary.equals(
                              "{\"Fn::Join\":[\"\",[\"arn:\",{\"Ref\":\"AWS::Partition\"},\":iam::\","
                                  + "{\"Ref\":\"AWS::AccountId\"},\":policy/"
                                  + DeploymentConfig.SERVICE
                                  + "-"
                                  + name
                                  + "-cfn-boundary\"]]}")) {
                            unbounded.add(where + " " + boundary);
                          }
                        }));
    assertThat(roles).hasSizeGreaterThan(10);
    assertThat(unbounded).isEmpty();
  }

  @Test
  void the_boundary_policy_fits_iams_managed_policy_limit_and_lists_what_the_data_lists() {
    JsonNode document = boundaryPolicy().path("Properties").path("PolicyDocument");
    assertThat(document.toString().replaceAll("\\s", "").length())
        .isLessThanOrEqualTo(ExecutionRolePolicy.MANAGED_POLICY_CHARACTERS);
    List<String> actions = new ArrayList<>();
    document.path("Statement").forEach(s -> s.path("Action").forEach(a -> actions.add(a.asText())));
    assertThat(actions).containsExactlyElementsOf(RoleBoundary.actions());
  }

  @Test
  void the_execution_role_writes_role_policies_only_with_the_boundary_and_cannot_remove_it() {
    List<JsonNode> statements = new ArrayList<>();
    Deployments.json(Deployments.defaultApp().stack(StackPart.EXECUTION_ROLE).orElseThrow())
        .path("Resources")
        .forEach(
            resource -> {
              if (resource.path("Type").asText().equals("AWS::IAM::ManagedPolicy")) {
                resource
                    .path("Properties")
                    .path("PolicyDocument")
                    .path("Statement")
                    .forEach(statements::add);
              }
            });
    String boundary = "policy/" + ExecutionRoleStack.boundaryName(Deployments.defaults());
    for (String write : ExecutionRoleStack.BOUNDED_IAM_WRITES) {
      assertThat(statements)
          .as(write)
          .filteredOn(s -> s.path("Effect").asText().equals("Allow"))
          .filteredOn(s -> s.path("Action").toString().contains("\"" + write + "\""))
          .singleElement()
          .satisfies(
              s ->
                  assertThat(
                          s.path("Condition")
                              .path("StringEquals")
                              .path("iam:PermissionsBoundary")
                              .toString())
                      .contains(boundary));
    }
    assertThat(statements)
        .filteredOn(s -> s.path("Action").toString().contains("iam:DeleteRolePermissionsBoundary"))
        .singleElement()
        .satisfies(s -> assertThat(s.path("Effect").asText()).isEqualTo("Deny"));
  }

  private static JsonNode boundaryPolicy() {
    List<JsonNode> found = new ArrayList<>();
    Deployments.json(Deployments.defaultApp().stack(StackPart.EXECUTION_ROLE).orElseThrow())
        .path("Resources")
        .forEach(
            resource -> {
              if (resource
                  .path("Properties")
                  .path("ManagedPolicyName")
                  .asText()
                  .equals(ExecutionRoleStack.boundaryName(Deployments.defaults()))) {
                found.add(resource);
              }
            });
    assertThat(found).hasSize(1);
    return found.get(0);
  }
}
