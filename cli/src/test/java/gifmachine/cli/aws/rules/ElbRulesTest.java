package gifmachine.cli.aws.rules;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ElbRulesTest {

  @Test
  void weights_above_999_or_below_0_are_rejected() {
    assertThatThrownBy(() -> ElbRules.weightsAreFrom0To999(Map.of("blue", 1000)))
        .isInstanceOf(RuleViolation.class);
    assertThatThrownBy(() -> ElbRules.weightsAreFrom0To999(Map.of("blue", -1)))
        .isInstanceOf(RuleViolation.class);
    assertThatCode(() -> ElbRules.weightsAreFrom0To999(Map.of("blue", 0, "green", 999)))
        .doesNotThrowAnyException();
  }

  @Test
  void a_forward_action_names_one_to_five_groups() {
    assertThatThrownBy(() -> ElbRules.aForwardActionNamesOneToFiveTargetGroups(Map.of()))
        .isInstanceOf(RuleViolation.class);
    assertThatThrownBy(
            () ->
                ElbRules.aForwardActionNamesOneToFiveTargetGroups(
                    Map.of("a", 1, "b", 1, "c", 1, "d", 1, "e", 1, "f", 1)))
        .isInstanceOf(RuleViolation.class);
    assertThatCode(
            () ->
                ElbRules.aForwardActionNamesOneToFiveTargetGroups(Map.of("blue", 100, "green", 0)))
        .doesNotThrowAnyException();
  }

  @Test
  void a_second_rule_cannot_take_a_priority_in_use_on_the_same_listener() {
    assertThatThrownBy(
            () ->
                ElbRules.prioritiesAreUniquePerListener(
                    "http", 1, Map.of(1, "old-rule"), "new-rule"))
        .hasMessageContaining("Priority 1 is in use");
    assertThatCode(
            () -> ElbRules.prioritiesAreUniquePerListener("http", 1, Map.of(1, "rule"), "rule"))
        .doesNotThrowAnyException();
  }
}
