package gifmachine.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code iam-policy}: the operator's and the administrator's policies, their shape, their scoping
 * to the deployment, and parliament's verdict on both (PyPI's IAM linter, installed by
 * scripts/install-test-tools).
 */
class IamPolicyCommandTest {
  static final List<String> DEPLOYMENT =
      List.of(
          "-e", "prod", "-c", "dundermiff", "--region", "eu-west-1", "--account", "123456789012");

  @TempDir Path dir;

  @Test
  void prints_one_policy_document_scoped_to_the_deployment() throws Exception {
    JsonNode policy = policy();
    assertThat(policy.path("Version").asText()).isEqualTo("2012-10-17");
    List<String> sids = new ArrayList<>();
    for (JsonNode statement : policy.path("Statement")) {
      sids.add(statement.path("Sid").asText());
      assertThat(statement.path("Effect").asText()).isEqualTo("Allow");
      for (JsonNode action : array(statement.path("Action"))) {
        assertThat(action.asText()).doesNotContain("*");
      }
      for (JsonNode resource : array(statement.path("Resource"))) {
        String arn = resource.asText();
        // Beside the deployment's names: service-linked roles, AWS's public AMI parameters, and
        // DB snapshots, whose final ones CloudFormation names.
        assertThat(
                arn.equals("*")
                    || arn.contains("prod-dundermiff")
                    || arn.equals("arn:aws:iam::123456789012:role/aws-service-role/*")
                    || arn.equals(
                        "arn:aws:ssm:eu-west-1:*:parameter/aws/service/ami-amazon-linux-latest/*")
                    || arn.equals("arn:aws:rds:eu-west-1:123456789012:snapshot:*"))
            .as(arn)
            .isTrue();
        assertThat(arn).doesNotContain("initech");
      }
    }
    assertThat(sids).doesNotHaveDuplicates().contains("Stacks", "PassExecutionRole");
    assertThat(policy.toString())
        .doesNotContain("iam:CreateRole", "iam:AttachRolePolicy", "iam:PutRolePolicy");
  }

  @Test
  void no_action_appears_in_two_statements_so_each_statement_is_needed_for_its_own_calls()
      throws Exception {
    Set<String> seen = new HashSet<>();
    for (JsonNode statement : policy().path("Statement")) {
      for (JsonNode action : array(statement.path("Action"))) {
        assertThat(seen.add(action.asText())).as(action.asText()).isTrue();
      }
    }
  }

  @Test
  void the_role_may_be_passed_only_to_cloudformation() throws Exception {
    JsonNode pass = statement(policy(), "PassExecutionRole");
    assertThat(pass.path("Resource").asText())
        .isEqualTo("arn:aws:iam::123456789012:role/gifmachine-on-aws-prod-dundermiff-cfn");
    assertThat(
            pass.path("Condition").path("StringEquals").path("iam:PassedToService").get(0).asText())
        .isEqualTo("cloudformation.amazonaws.com");
  }

  @Test
  void bootstrap_adds_iam_writes_on_the_execution_role_and_its_policies_only() throws Exception {
    CliRunner.Result result = new CliRunner(dir).run(args("--bootstrap"));
    assertThat(result.exitCode()).as(result.toString()).isZero();
    JsonNode role = statement(new ObjectMapper().readTree(result.out()), "ExecutionRole");
    assertThat(array(role.path("Resource")))
        .extracting(JsonNode::asText)
        .containsExactly(
            "arn:aws:iam::123456789012:role/gifmachine-on-aws-prod-dundermiff-cfn",
            "arn:aws:iam::123456789012:policy/gifmachine-on-aws-prod-dundermiff-cfn-*");
  }

  @Test
  void text_output_lists_action_resource_and_why_per_line() {
    CliRunner.Result result = new CliRunner(dir).run(args("--output", "text"));
    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out().lines().findFirst().orElseThrow()).startsWith("ACTION");
    assertThat(result.out())
        .containsPattern(
            "iam:PassRole +arn:aws:iam::123456789012:role/gifmachine-on-aws-prod-dundermiff-cfn +CloudFormation");
  }

  @Test
  void an_account_that_is_not_twelve_digits_is_bad_input() {
    CliRunner.Result result =
        new CliRunner(dir)
            .run(
                "iam-policy",
                "-e",
                "prod",
                "-c",
                "dundermiff",
                "--region",
                "eu-west-1",
                "--account",
                "12ab");
    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("--account \"12ab\": not a 12-digit AWS account ID");
  }

  @Test
  void parliament_finds_nothing_in_either_policy() throws Exception {
    for (List<String> extra : List.of(List.<String>of(), List.of("--bootstrap"))) {
      CliRunner.Result result = new CliRunner(dir).run(args(extra.toArray(String[]::new)));
      // parliament reads a policy from stdin when stdin is not a terminal (and then refuses
      // --file), so the policy goes in that way.
      // parliament's own auditors; its opt-in community auditors also flag
      // ecr:GetAuthorizationToken as "credentials exposure", which is what an image push needs.
      Process parliament = new ProcessBuilder("parliament").redirectErrorStream(true).start();
      try (var stdin = parliament.getOutputStream()) {
        stdin.write(result.out().getBytes(StandardCharsets.UTF_8));
      }
      assertThat(parliament.waitFor(2, TimeUnit.MINUTES)).isTrue();
      String raw = new String(parliament.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String findings = withoutNewerActions(raw);
      assertThat(findings).as("parliament on " + extra).isBlank();
      if (raw.isBlank()) {
        assertThat(parliament.exitValue()).as(raw).isZero();
      }
    }
  }

  /**
   * Actions AWS added after parliament's last release (1.6.4) wrote its action database, each with
   * its API reference page: parliament calls them unknown although they are real. (Its {@code
   * ignore_locations} setting cannot exempt them: it drops plain values.)
   */
  static final List<String> NEWER_ACTIONS =
      List.of(
          // https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_StopServiceDeployment.html
          "ecs:StopServiceDeployment");

  private static String withoutNewerActions(String findings) {
    return findings
        .lines()
        .filter(
            line ->
                NEWER_ACTIONS.stream().noneMatch(a -> line.contains("Unknown action " + a + " ")))
        .collect(java.util.stream.Collectors.joining("\n"));
  }

  private JsonNode policy() throws Exception {
    CliRunner.Result result = new CliRunner(dir).run(args());
    assertThat(result.exitCode()).as(result.toString()).isZero();
    return new ObjectMapper().readTree(result.out());
  }

  private static String[] args(String... extra) {
    List<String> args = new ArrayList<>(List.of("iam-policy"));
    args.addAll(DEPLOYMENT);
    args.addAll(List.of(extra));
    return args.toArray(String[]::new);
  }

  private static JsonNode statement(JsonNode policy, String sid) {
    for (JsonNode statement : policy.path("Statement")) {
      if (statement.path("Sid").asText().equals(sid)) {
        return statement;
      }
    }
    throw new AssertionError("no statement " + sid + " in " + policy);
  }

  private static Iterable<JsonNode> array(JsonNode node) {
    return node.isArray() ? node : List.of(node);
  }
}
