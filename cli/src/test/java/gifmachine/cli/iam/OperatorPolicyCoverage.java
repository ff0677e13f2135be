package gifmachine.cli.iam;

import static org.assertj.core.api.Assertions.assertThat;

import gifmachine.infra.DeploymentConfig;
import gifmachine.infra.iam.OperatorPolicy;
import gifmachine.infra.iam.PolicyStatement;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks {@link OperatorPolicy} against the AWS calls a test run really made ({@link
 * RecordedAwsCalls}): every call is allowed, and every statement is used by some call, so that
 * removing any one statement would deny a call the CLI makes.
 */
public final class OperatorPolicyCoverage {
  private OperatorPolicyCoverage() {}

  /**
   * Statements no SDK call exercises in the moto cycle, each for its reason: the pipeline is
   * released only in the release tests, and moto has no ECS service deployments to stop (rollback's
   * StopServiceDeployment runs on the rules model, DayTwoScenarioIT). (Images is reached by down's
   * ListImages; Jib's pushes go to the registry API.)
   */
  static final Set<String> EXERCISED_ELSEWHERE = Set.of("Pipeline", "Build", "StopDeployment");

  /**
   * Actions AWS allows every caller, whatever the policy says
   * (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html).
   */
  public static final Set<String> NEED_NO_PERMISSION = Set.of("sts:GetCallerIdentity");

  public static void assertCovers(DeploymentConfig config, Set<String> recorded) {
    List<PolicyStatement> statements = OperatorPolicy.statements(config, "123456789012");
    Set<String> allowed = new TreeSet<>();
    statements.forEach(statement -> allowed.addAll(statement.actions()));
    Set<String> denied = new TreeSet<>(recorded);
    denied.removeAll(allowed);
    denied.removeAll(NEED_NO_PERMISSION);
    assertThat(denied).as("calls the CLI makes that iam-policy does not allow").isEmpty();
    List<String> unused =
        statements.stream()
            .filter(statement -> !EXERCISED_ELSEWHERE.contains(statement.sid()))
            .filter(statement -> statement.actions().stream().noneMatch(recorded::contains))
            .map(PolicyStatement::sid)
            .toList();
    assertThat(unused)
        .as("statements no call in the cycle needed (recorded: " + recorded + ")")
        .isEmpty();
  }
}
