package gifmachine.cli.aws.rules;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class Ec2RulesTest {

  @Test
  void an_instance_in_a_zone_that_does_not_offer_its_type_is_rejected_as_unsupported() {
    assertThatThrownBy(
            () ->
                Ec2Rules.instanceTypeIsOfferedInItsZone(
                    "t4g.nano", "eu-west-1a", List.of("eu-west-1b", "eu-west-1c")))
        .isInstanceOf(RuleViolation.class)
        .hasMessageContaining("Unsupported")
        .hasMessageContaining("(eu-west-1a)")
        .hasMessageContaining("instanceTypeIsOfferedInItsZone");
  }

  @Test
  void an_instance_in_a_zone_that_offers_its_type_is_accepted() {
    assertThatCode(
            () ->
                Ec2Rules.instanceTypeIsOfferedInItsZone(
                    "t4g.nano", "eu-west-1b", List.of("eu-west-1b", "eu-west-1c")))
        .doesNotThrowAnyException();
  }
}
