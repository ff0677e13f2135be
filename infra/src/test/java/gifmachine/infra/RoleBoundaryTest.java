package gifmachine.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gifmachine.infra.iam.ExecutionRolePolicy;
import gifmachine.infra.iam.PolicyStatement;
import gifmachine.infra.iam.RoleBoundary;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
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
    return configuredCombinations().map(Combination::app);
  }

  static Stream<JsonNode> resources(SynthesizedApp app) {
    List<JsonNode> resources = new ArrayList<>();
    Deployments.createdWithTheExecutionRole(app)
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
    assertThat(notCovered(actionsOurRolesUse(), RoleBoundary.actions())).isEmpty();
    assertThat(notCovered(RoleBoundary.actions(), actionsOurRolesUse()))
        .as("boundary actions no role uses")
        .isEmpty();
  }

  @Test
  void the_boundary_would_reject_a_role_policy_action_outside_it() {
    SortedSet<String> used = actionsOurRolesUse();
    used.add("iam:CreateUser");
    used.add("s3:PutBucket*");
    assertThat(notCovered(used, RoleBoundary.actions()))
        .containsExactly("iam:CreateUser", "s3:PutBucket*");
  }

  /**
   * The actions of {@code these} that none of {@code those} covers, either way round a wildcard:
   * CDK grants {@code s3:List*}, the boundary lists the bucket and object actions it covers.
   */
  private static List<String> notCovered(SortedSet<String> these, SortedSet<String> those) {
    return these.stream()
        .filter(
            action ->
                !those.contains(action) && those.stream().noneMatch(other -> covers(other, action)))
        .toList();
  }

  @Test
  void every_role_of_every_option_combination_carries_the_boundary() {
    List<String> roles = new ArrayList<>();
    List<String> unbounded = new ArrayList<>();
    for (Combination combination : configuredCombinations().toList()) {
      String expected =
          "{\"Fn::Join\":[\"\",[\"arn:\",{\"Ref\":\"AWS::Partition\"},\":iam::\","
              + "{\"Ref\":\"AWS::AccountId\"},\":policy/"
              + DeploymentConfig.SERVICE
              + "-"
              + combination.config().deploymentName()
              + "-cfn-boundary\"]]}";
      Deployments.createdWithTheExecutionRole(combination.app())
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
                            if (!boundary.equals(expected)) {
                              unbounded.add(where + " " + boundary);
                            }
                          }));
    }
    assertThat(roles).hasSizeGreaterThan(10);
    assertThat(unbounded).isEmpty();
  }

  @Test
  void the_boundary_policy_fits_iams_managed_policy_limit_and_lists_what_the_data_lists() {
    // IAM counts the document as stored, intrinsic functions resolved, whitespace excluded.
    assertThat(rendered(Deployments.everyOption()).toString().length())
        .isLessThanOrEqualTo(ExecutionRolePolicy.MANAGED_POLICY_CHARACTERS);
    JsonNode document = boundaryPolicy().path("Properties").path("PolicyDocument");
    List<String> actions = new ArrayList<>();
    document
        .path("Statement")
        .forEach(s -> array(s.path("Action")).forEach(a -> actions.add(a.asText())));
    assertThat(actions).containsExactlyInAnyOrderElementsOf(RoleBoundary.actions());
  }

  /** Any account: the templates' {@code Ref AWS::AccountId} and the boundary's agree on it. */
  private static final String ACCOUNT = "123456789012";

  record Combination(DeploymentConfig config, SynthesizedApp app) {}

  static Stream<Combination> configuredCombinations() {
    return Stream.of(
        new Combination(Deployments.defaults(), Deployments.defaultApp()),
        new Combination(Deployments.everyOption(), Deployments.everyOptionApp()),
        new Combination(Deployments.minimal(), Deployments.minimalApp()),
        new Combination(Deployments.cloudFrontOptions(), Deployments.cloudFrontOptionsApp()));
  }

  @Test
  void every_role_using_a_scoped_action_uses_it_within_the_boundarys_resources_and_conditions() {
    List<String> outside = new ArrayList<>();
    SortedSet<String> seen = new TreeSet<>();
    configuredCombinations()
        .forEach(
            combination -> {
              List<PolicyStatement> boundary =
                  RoleBoundary.statements(combination.config(), ACCOUNT);
              Deployments.createdWithTheExecutionRole(combination.app())
                  .forEach(
                      stack -> {
                        JsonNode resources = Deployments.json(stack).path("Resources");
                        roleStatements(resources)
                            .forEach(
                                statement -> {
                                  array(statement.path("Action"))
                                      .forEach(
                                          action ->
                                              scopesOf(boundary, action.asText())
                                                  .forEach(
                                                      scope ->
                                                          scope.actions().stream()
                                                              .filter(
                                                                  a -> covers(a, action.asText()))
                                                              .forEach(seen::add)));
                                  outside.addAll(
                                      outsideBoundary(
                                          boundary,
                                          statement,
                                          new Where(
                                              combination.app(),
                                              stack.stackName(),
                                              combination.config().region(),
                                              resources)));
                                });
                      });
            });
    assertThat(seen)
        .as("every scoped action is used by some role, else the scope is untested")
        .containsExactlyInAnyOrderElementsOf(
            RoleBoundary.statements(Deployments.defaults(), ACCOUNT).stream()
                .filter(statement -> !statement.resources().equals(List.of("*")))
                .flatMap(statement -> statement.actions().stream())
                // Granted by an AWS managed policy, not a statement of ours: the boundary keeps
                // them to our account's load balancers.
                .filter(
                    action ->
                        AWS_MANAGED_POLICY_ACTIONS.values().stream()
                            .noneMatch(actions -> actions.contains(action)))
                .toList());
    assertThat(outside).isEmpty();
  }

  @Test
  void the_scope_check_rejects_passing_a_role_outside_the_deployment_or_to_another_service()
      throws Exception {
    List<PolicyStatement> boundary = RoleBoundary.statements(Deployments.defaults(), ACCOUNT);
    JsonNode foreignRole =
        Deployments.JSON.readTree(
            """
            {"Effect": "Allow", "Action": "iam:PassRole",
             "Resource": "arn:aws:iam::123456789012:role/admin",
             "Condition": {"StringEquals": {"iam:PassedToService": "cloudformation.amazonaws.com"}}}
            """);
    JsonNode otherService =
        Deployments.JSON.readTree(
            """
            {"Effect": "Allow", "Action": ["iam:PassRole"],
             "Resource": "arn:aws:iam::123456789012:role/gifmachine-on-aws-prod-dundermiff-cfn",
             "Condition": {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}}}
            """);
    JsonNode noCondition =
        Deployments.JSON.readTree(
            """
            {"Effect": "Allow", "Action": "iam:PassRole",
             "Resource": "arn:aws:iam::123456789012:role/gifmachine-on-aws-prod-dundermiff-cfn"}
            """);
    JsonNode assumesForeignRole =
        Deployments.JSON.readTree(
            """
            {"Effect": "Allow", "Action": "sts:AssumeRole",
             "Resource": "arn:aws:iam::123456789012:role/prod-initech-pipeline-X"}
            """);
    for (JsonNode statement : List.of(foreignRole, otherService, noCondition, assumesForeignRole)) {
      assertThat(
              outsideBoundary(
                  boundary,
                  statement,
                  new Where(
                      new SynthesizedApp(List.of()),
                      "prod-dundermiff-pipeline",
                      "eu-west-1",
                      JSON_EMPTY)))
          .as(statement.toString())
          .isNotEmpty();
    }
  }

  @Test
  void parliament_finds_nothing_in_the_boundary() throws Exception {
    ObjectNode document = rendered(Deployments.defaults());
    // parliament reads the policy from stdin when stdin is not a terminal; installed by
    // scripts/install-test-tools, a missing one fails here.
    Process parliament = new ProcessBuilder("parliament").redirectErrorStream(true).start();
    try (var stdin = parliament.getOutputStream()) {
      stdin.write(document.toString().getBytes(StandardCharsets.UTF_8));
    }
    assertThat(parliament.waitFor(2, TimeUnit.MINUTES)).isTrue();
    String findings =
        new String(parliament.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
            .lines()
            // Real, but newer than parliament 1.6.4's action database:
            // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_StopServiceDeployment.html
            .filter(line -> !line.contains("Unknown action ecs:StopServiceDeployment "))
            .collect(Collectors.joining("\n"));
    assertThat(findings).as(document.toPrettyString()).isBlank();
  }

  /** The boundary's document as IAM stores it, in {@link #ACCOUNT}. */
  private static ObjectNode rendered(DeploymentConfig config) {
    ObjectNode document = Deployments.JSON.createObjectNode().put("Version", "2012-10-17");
    for (PolicyStatement statement : RoleBoundary.statements(config, ACCOUNT)) {
      ObjectNode rendered = document.withArray("Statement").addObject();
      rendered.put("Sid", statement.sid()).put("Effect", "Allow");
      statement.actions().forEach(rendered.withArray("Action")::add);
      statement.resources().forEach(rendered.withArray("Resource")::add);
      if (!statement.conditions().isEmpty()) {
        rendered.set("Condition", Deployments.JSON.valueToTree(statement.conditions()));
      }
    }
    return document;
  }

  private static final JsonNode JSON_EMPTY = Deployments.JSON.createObjectNode();

  private static List<JsonNode> roleStatements(JsonNode resources) {
    List<JsonNode> statements = new ArrayList<>();
    resources.forEach(
        resource -> {
          JsonNode properties = resource.path("Properties");
          switch (resource.path("Type").asText()) {
            case "AWS::IAM::Role" ->
                properties
                    .path("Policies")
                    .forEach(
                        p -> p.path("PolicyDocument").path("Statement").forEach(statements::add));
            case "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy" ->
                properties.path("PolicyDocument").path("Statement").forEach(statements::add);
            default -> {}
          }
        });
    return statements;
  }

  /** The boundary's statements that name resources for {@code action} (or what it covers). */
  private static List<PolicyStatement> scopesOf(List<PolicyStatement> boundary, String action) {
    return boundary.stream()
        .filter(statement -> !statement.resources().equals(List.of("*")))
        .filter(statement -> statement.actions().stream().anyMatch(a -> covers(a, action)))
        .toList();
  }

  /** Whether two actions overlap: equal, or one a wildcard covering the other. */
  private static boolean covers(String one, String other) {
    return one.equals(other) || matches(one, other) || matches(other, one);
  }

  /**
   * Where {@code statement} grants a scoped action beyond the boundary: a resource no boundary
   * pattern matches, or a condition of the boundary it does not narrow to a subset of its values.
   */
  /** Where a statement is: its app (for imports), its stack, region and the stack's resources. */
  record Where(SynthesizedApp app, String stackName, String region, JsonNode resources) {
    Where in(SynthesizedStack stack) {
      return new Where(app, stack.stackName(), region, Deployments.json(stack).path("Resources"));
    }
  }

  private static List<String> outsideBoundary(
      List<PolicyStatement> boundary, JsonNode statement, Where where) {
    List<String> outside = new ArrayList<>();
    for (JsonNode action : array(statement.path("Action"))) {
      scopesOf(boundary, action.asText())
          .forEach(
              scope -> {
                for (JsonNode resource : array(statement.path("Resource"))) {
                  String arn = resolve(resource, where);
                  if (scope.resources().stream().noneMatch(pattern -> matches(pattern, arn))) {
                    outside.add(where.stackName() + ": " + action.asText() + " on " + arn);
                  }
                }
                scope
                    .conditions()
                    .forEach(
                        (operator, keys) ->
                            keys.forEach(
                                (key, allowed) -> {
                                  List<String> used = new ArrayList<>();
                                  array(statement.path("Condition").path(operator).path(key))
                                      .forEach(value -> used.add(value.asText()));
                                  if (used.isEmpty() || !allowed.containsAll(used)) {
                                    outside.add(
                                        where.stackName()
                                            + ": "
                                            + action.asText()
                                            + " with "
                                            + key
                                            + " "
                                            + used);
                                  }
                                }));
              });
    }
    return outside;
  }

  /**
   * A template's resource ARN as AWS would see it. A resource without a name property gets the name
   * CloudFormation generates, {@code {stack}-{logical id}-{random}}
   * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-name.html; how
   * far it cuts a long stack name AWS does not document), lower case for buckets; a CodeBuild
   * project's generated name lacks the stack's, so the boundary names no project.
   */
  private static String resolve(JsonNode value, Where where) {
    String account = ACCOUNT;
    String region = where.region();
    if (value.isTextual()) {
      return value.asText();
    }
    if (value.has("Fn::Join")) {
      StringBuilder joined = new StringBuilder();
      String separator = value.path("Fn::Join").path(0).asText();
      JsonNode parts = value.path("Fn::Join").path(1);
      for (int i = 0; i < parts.size(); i++) {
        joined.append(i == 0 ? "" : separator).append(resolve(parts.get(i), where));
      }
      return joined.toString();
    }
    if (value.has("Fn::ImportValue")) {
      String export = value.path("Fn::ImportValue").asText();
      for (SynthesizedStack stack : where.app().stacks()) {
        for (JsonNode output : Deployments.json(stack).path("Outputs")) {
          if (output.path("Export").path("Name").asText().equals(export)) {
            return resolve(output.path("Value"), where.in(stack));
          }
        }
      }
      throw new AssertionError("no stack exports " + export);
    }
    if (value.has("Ref")) {
      String ref = value.path("Ref").asText();
      return switch (ref) {
        case "AWS::AccountId" -> account;
        case "AWS::Partition" -> "aws";
        case "AWS::Region" -> region;
        default -> {
          JsonNode resource = where.resources().path(ref);
          yield switch (resource.path("Type").asText()) {
            case "AWS::Logs::LogGroup", "AWS::CodeBuild::Project" -> generatedName(ref, where);
            case "AWS::SecretsManager::Secret", "AWS::SecretsManager::SecretTargetAttachment" ->
                "arn:aws:secretsmanager:"
                    + region
                    + ":"
                    + account
                    + ":secret:"
                    + generatedName(ref, where)
                    + "-AbCdEf";
            default -> throw new AssertionError("cannot resolve " + value);
          };
        }
      };
    }
    JsonNode getAtt = value.path("Fn::GetAtt");
    String logicalId = getAtt.path(0).asText();
    JsonNode resource = where.resources().path(logicalId);
    JsonNode properties = resource.path("Properties");
    String attribute = getAtt.path(1).asText();
    return switch (resource.path("Type").asText() + "." + attribute) {
      case "AWS::IAM::Role.Arn" ->
          "arn:aws:iam::"
              + account
              + ":role/"
              + properties.path("RoleName").asText(generatedName(logicalId, where));
      case "AWS::Lambda::Function.Arn" ->
          "arn:aws:lambda:"
              + region
              + ":"
              + account
              + ":function:"
              + generatedName(logicalId, where);
      case "AWS::Logs::LogGroup.Arn" ->
          "arn:aws:logs:"
              + region
              + ":"
              + account
              + ":log-group:"
              + generatedName(logicalId, where)
              + ":*";
      case "AWS::S3::Bucket.Arn" ->
          "arn:aws:s3:::" + generatedName(logicalId, where).toLowerCase(java.util.Locale.ROOT);
      case "AWS::CodeBuild::Project.Arn" ->
          "arn:aws:codebuild:" + region + ":" + account + ":project/" + logicalId + "-AbCdEf";
      case "AWS::ECR::Repository.Arn" ->
          "arn:aws:ecr:"
              + region
              + ":"
              + account
              + ":repository/"
              + properties.path("RepositoryName").asText();
      case "AWS::EC2::SecurityGroup.GroupId" -> "sg-0123456789abcdef0";
      default -> throw new AssertionError("cannot resolve " + value);
    };
  }

  /** {@code {stack}-{logical id}-{random}}, the logical ID cut to fit 64 characters. */
  private static String generatedName(String logicalId, Where where) {
    String random = "-ABCDEFGHIJKL";
    int room = Math.max(0, 64 - where.stackName().length() - 1 - random.length());
    return where.stackName()
        + "-"
        + logicalId.substring(0, Math.min(room, logicalId.length()))
        + random;
  }

  /** IAM's ARN wildcards: {@code *} any run of characters, {@code ?} any one. */
  private static boolean matches(String pattern, String arn) {
    StringBuilder regex = new StringBuilder();
    for (char c : pattern.toCharArray()) {
      regex.append(
          switch (c) {
            case '*' -> ".*";
            case '?' -> ".";
            default -> Pattern.quote(String.valueOf(c));
          });
    }
    return Pattern.matches(regex.toString(), arn);
  }

  private static Iterable<JsonNode> array(JsonNode node) {
    return node.isArray() ? node : List.of(node);
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
