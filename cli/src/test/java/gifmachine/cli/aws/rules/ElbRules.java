package gifmachine.cli.aws.rules;

import java.util.Map;

/**
 * Elastic Load Balancing's documented rules on weighted forward actions, as the simulated load
 * balancer enforces them.
 */
public final class ElbRules {

  static final String TARGET_GROUP_TUPLE =
      "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_TargetGroupTuple.html";
  static final String FORWARD_CONFIG =
      "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_ForwardActionConfig.html";
  static final String RULE_PRIORITY =
      "https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateRule.html";

  /** Most target groups one forward action may name. */
  static final int MAX_TARGET_GROUPS = 5;

  static final int MAX_WEIGHT = 999;

  private ElbRules() {}

  /** A target group's weight is 0 to 999. ({@link #TARGET_GROUP_TUPLE}) */
  public static void weightsAreFrom0To999(Map<String, Integer> weights) {
    weights.forEach(
        (group, weight) -> {
          if (weight < 0 || weight > MAX_WEIGHT) {
            throw new RuleViolation(
                "ModifyRule",
                "weightsAreFrom0To999",
                "Weight " + weight + " of " + group + " is outside 0-" + MAX_WEIGHT,
                TARGET_GROUP_TUPLE);
          }
        });
  }

  /** A forward action names one to five target groups. ({@link #FORWARD_CONFIG}) */
  public static void aForwardActionNamesOneToFiveTargetGroups(Map<String, Integer> weights) {
    if (weights.isEmpty() || weights.size() > MAX_TARGET_GROUPS) {
      throw new RuleViolation(
          "ModifyRule",
          "aForwardActionNamesOneToFiveTargetGroups",
          "A forward action names "
              + weights.size()
              + " target groups; 1 to "
              + MAX_TARGET_GROUPS
              + " are allowed",
          FORWARD_CONFIG);
    }
  }

  /** Two rules of one listener never share a priority: PriorityInUse. ({@link #RULE_PRIORITY}) */
  public static void prioritiesAreUniquePerListener(
      String listener, int priority, Map<Integer, String> rulesByPriority, String rule) {
    String holder = rulesByPriority.get(priority);
    if (holder != null && !holder.equals(rule)) {
      throw new RuleViolation(
          "CreateRule",
          "prioritiesAreUniquePerListener",
          "Priority " + priority + " is in use on " + listener + " by " + holder,
          RULE_PRIORITY);
    }
  }
}
