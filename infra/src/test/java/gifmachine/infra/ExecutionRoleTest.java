package gifmachine.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import gifmachine.infra.iam.ExecutionRolePolicy;
import gifmachine.infra.iam.HandlerPermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The execution role covers exactly what the templates need: every resource type that any option
 * combination synthesizes has handler permissions, and no entry grants rights for a type no
 * template uses; its documents fit IAM's limits, and it cannot reach itself.
 */
class ExecutionRoleTest {

  /** Defaults, every option the other way, and no monitoring or pipeline: each option both ways. */
  static Stream<SynthesizedApp> combinations() {
    return Stream.of(
        Deployments.defaultApp(), Deployments.everyOptionApp(), Deployments.minimalApp());
  }

  static Set<String> resourceTypesDeployedWithTheRole() {
    Set<String> types = new TreeSet<>();
    combinations()
        .flatMap(Deployments::createdWithTheExecutionRole)
        .forEach(
            stack ->
                Deployments.json(stack)
                    .path("Resources")
                    .forEach(resource -> types.add(resource.path("Type").asText())));
    return types;
  }

  @Test
  void every_resource_type_of_every_option_combination_has_handler_permissions() {
    Set<String> missing = new TreeSet<>(resourceTypesDeployedWithTheRole());
    missing.removeAll(HandlerPermissions.load().resourceTypes());
    assertThat(missing)
        .as("types without handler permissions: run scripts/extract-handler-permissions.py")
        .isEmpty();
  }

  @Test
  void no_handler_permissions_for_a_type_no_template_uses() {
    Set<String> unused = new TreeSet<>(HandlerPermissions.load().resourceTypes());
    unused.removeAll(resourceTypesDeployedWithTheRole());
    assertThat(unused).as("entries that grant rights nothing needs").isEmpty();
  }

  @Test
  void every_entry_names_its_source() {
    HandlerPermissions permissions = HandlerPermissions.load();
    assertThat(permissions.resourceTypes())
        .allSatisfy(
            type ->
                assertThat(permissions.source(type).orElseThrow())
                    .matches(
                        "(stackql-registry-docs|localstack)@[0-9a-f]{12}:.+|https://docs\\.aws\\.amazon\\.com/.+"));
  }

  @Test
  void every_managed_policy_fits_iams_size_limit_and_allows_no_wildcard_but_read_only_ones() {
    JsonNode template = Deployments.json(role(Deployments.defaultApp()));
    List<JsonNode> documents = new ArrayList<>();
    template
        .path("Resources")
        .forEach(
            resource -> {
              // The boundary is RoleBoundaryTest's: it caps roles, it grants the role nothing.
              if (resource.path("Type").asText().equals("AWS::IAM::ManagedPolicy")
                  && !resource
                      .path("Properties")
                      .path("ManagedPolicyName")
                      .asText()
                      .endsWith("-boundary")) {
                documents.add(resource.path("Properties").path("PolicyDocument"));
              }
            });
    assertThat(documents)
        .isNotEmpty()
        .allSatisfy(
            document -> {
              // Fn::Sub placeholders resolve to an account ID and partition no longer than these.
              String rendered =
                  document
                      .toString()
                      .replace("${AWS::AccountId}", "123456789012")
                      .replace("${AWS::Partition}", "aws")
                      .replaceAll("\\{\"Fn::Sub\":(\"[^\"]*\")\\}", "$1")
                      .replaceAll("\\s", "");
              assertThat(rendered.length())
                  .isLessThanOrEqualTo(ExecutionRolePolicy.MANAGED_POLICY_CHARACTERS);
              // The schemas' own read-only wildcards (ec2:Describe*) are kept; nothing wider.
              document
                  .path("Statement")
                  .forEach(
                      statement ->
                          statement
                              .path("Action")
                              .forEach(
                                  action ->
                                      assertThat(action.asText())
                                          .matches(
                                              "[a-z0-9-]+:([A-Za-z]+|(Describe|Get|List)[A-Za-z]*\\*)")));
            });
  }

  @Test
  void the_iam_grant_cannot_reach_the_execution_role_or_its_policies() {
    String roleName = ExecutionRoleStack.roleName(Deployments.defaults());
    List<ExecutionRolePolicy.Grant> grants =
        ExecutionRolePolicy.grants(
            HandlerPermissions.load(),
            HandlerPermissions.load().resourceTypes(),
            Deployments.defaults().deploymentName(),
            Deployments.defaults().region());
    ExecutionRolePolicy.Grant iam =
        grants.stream().filter(g -> g.service().equals("iam")).findFirst().orElseThrow();
    for (String arn : List.of("role/" + roleName, "policy/" + roleName + "-1")) {
      assertThat(iam.resources())
          .noneMatch(
              pattern ->
                  glob(pattern.substring(pattern.lastIndexOf(':') + 1)).matcher(arn).matches());
    }
    assertThat(iam.resources())
        .anyMatch(
            pattern ->
                glob(pattern.substring(pattern.lastIndexOf(':') + 1))
                    .matcher("role/prod-dundermiff-gifmachine-TaskRole-1A2B")
                    .matches());
  }

  @Test
  void regional_grants_on_any_resource_are_bound_to_the_deployment_region_and_us_east_1() {
    ExecutionRolePolicy.grants(
            HandlerPermissions.load(),
            HandlerPermissions.load().resourceTypes(),
            "prod-dundermiff",
            "eu-west-1")
        .stream()
        .filter(grant -> grant.resources().contains("*"))
        .filter(grant -> !Set.of("iam", "cloudfront", "route53", "sts").contains(grant.service()))
        .forEach(
            grant ->
                assertThat(grant.regions())
                    .as(grant.service())
                    .containsExactly("eu-west-1", "us-east-1"));
  }

  @Test
  void only_cloudformation_of_the_same_account_can_assume_the_role() {
    JsonNode template = Deployments.json(role(Deployments.defaultApp()));
    List<JsonNode> trust = new ArrayList<>();
    template
        .path("Resources")
        .forEach(
            resource -> {
              if (resource.path("Type").asText().equals("AWS::IAM::Role")) {
                resource
                    .path("Properties")
                    .path("AssumeRolePolicyDocument")
                    .path("Statement")
                    .forEach(trust::add);
              }
            });
    assertThat(trust)
        .singleElement()
        .satisfies(
            statement -> {
              assertThat(statement.path("Principal").path("Service").asText())
                  .isEqualTo("cloudformation.amazonaws.com");
              assertThat(statement.path("Condition").path("StringEquals").has("aws:SourceAccount"))
                  .isTrue();
            });
  }

  private static SynthesizedStack role(SynthesizedApp app) {
    return app.stack(StackPart.EXECUTION_ROLE).orElseThrow();
  }

  private static Pattern glob(String pattern) {
    return Pattern.compile(Pattern.quote(pattern).replace("*", "\\E.*\\Q"));
  }
}
