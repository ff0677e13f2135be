package gifmachine.cli.deploy;

import gifmachine.cli.aws.Aws;
import gifmachine.infra.Rollout;
import gifmachine.infra.StackOutputs;
import gifmachine.infra.StackPart;
import java.util.Map;
import java.util.Optional;

/**
 * Which target group serves production now, read from the production listener rule's forward
 * weights, which ECS (not CloudFormation) moves with every blue/green deployment. Every synthesis
 * for {@code up} and {@code plan} starts from it, so a template never sends production to the group
 * the last deployment emptied.
 */
public final class LiveTraffic {

  private LiveTraffic() {}

  /**
   * Blue for a new deployment, or when the stack has no rule yet (the CodeDeploy design had none).
   */
  public static Rollout.TargetGroup read(Aws aws, Stacks deployed) {
    Optional<String> rule =
        deployed.output(StackPart.GIFMACHINE, StackOutputs.PRODUCTION_LISTENER_RULE_ARN);
    Optional<String> blue =
        deployed.output(StackPart.GIFMACHINE, StackOutputs.BLUE_TARGET_GROUP_ARN);
    Optional<String> green =
        deployed.output(StackPart.GIFMACHINE, StackOutputs.GREEN_TARGET_GROUP_ARN);
    if (rule.isEmpty() || blue.isEmpty() || green.isEmpty()) {
      return Rollout.TargetGroup.BLUE;
    }
    Map<String, Integer> weights =
        Preflight.guard(
            "reading listener rule " + rule.get(), () -> aws.services().ruleWeights(rule.get()));
    return live(weights, blue.get(), green.get());
  }

  /**
   * The group with the larger weight; blue when neither is in the rule or they are equal. Mid-way
   * through a canary or linear shift the larger one wins: CloudFormation lets no update of ours
   * start before ECS has finished and set the final weights itself.
   */
  static Rollout.TargetGroup live(Map<String, Integer> weights, String blueArn, String greenArn) {
    int blue = weights.getOrDefault(blueArn, 0);
    int green = weights.getOrDefault(greenArn, 0);
    return green > blue ? Rollout.TargetGroup.GREEN : Rollout.TargetGroup.BLUE;
  }
}
