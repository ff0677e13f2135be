package gifmachine.cli.aws.rules;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EcsRulesTest {

  @ParameterizedTest
  @ValueSource(
      strings = {"TaskDefinition", "LoadBalancers", "NetworkConfiguration", "PlatformVersion"})
  void a_code_deploy_service_refuses_what_only_a_code_deploy_deployment_may_change(
      String property) {
    assertThatThrownBy(
            () ->
                EcsRules.updateServiceSendsOnlyWhatTheControllerAccepts(
                    "CODE_DEPLOY", Set.of("DesiredCount", property)))
        .isInstanceOf(RuleViolation.class)
        .hasMessageContaining("Unable to update " + property);
  }

  @ParameterizedTest
  @ValueSource(strings = {"DesiredCount", "HealthCheckGracePeriodSeconds", "PropagateTags", "Tags"})
  void a_code_deploy_service_takes_counts_grace_period_and_tags(String property) {
    assertThatCode(
            () ->
                EcsRules.updateServiceSendsOnlyWhatTheControllerAccepts(
                    "CODE_DEPLOY", Set.of(property)))
        .doesNotThrowAnyException();
  }

  @Test
  void the_ecs_controller_takes_every_property() {
    assertThatCode(
            () ->
                EcsRules.updateServiceSendsOnlyWhatTheControllerAccepts(
                    "ECS",
                    Set.of(
                        "TaskDefinition",
                        "LoadBalancers",
                        "DesiredCount",
                        "HealthCheckGracePeriodSeconds")))
        .doesNotThrowAnyException();
  }

  @Test
  void blue_green_without_alternate_group_rule_or_role_is_rejected_and_rolling_needs_none() {
    assertThatThrownBy(
            () -> EcsRules.blueGreenNamesAlternateGroupRuleAndRole("BLUE_GREEN", "green", "", ""))
        .hasMessageContaining("productionListenerRule, roleArn");
    assertThatCode(
            () ->
                EcsRules.blueGreenNamesAlternateGroupRuleAndRole(
                    "BLUE_GREEN", "green", "rule", "role"))
        .doesNotThrowAnyException();
    assertThatCode(() -> EcsRules.blueGreenNamesAlternateGroupRuleAndRole("ROLLING", "", "", ""))
        .doesNotThrowAnyException();
  }

  @Test
  void a_deployment_fails_when_a_group_is_in_neither_listener_rule() {
    assertThatThrownBy(
            () ->
                EcsRules.bothGroupsAreInTheListenerRules("blue", "green", Set.of("blue"), Set.of()))
        .hasMessageContaining("Both targetGroup and alternateTargetGroup must be associated");
    assertThatCode(
            () ->
                EcsRules.bothGroupsAreInTheListenerRules(
                    "blue", "green", Set.of("blue", "green"), Set.of("blue", "green")))
        .doesNotThrowAnyException();
  }

  @Test
  void listener_rules_mixing_forward_and_redirect_fail_a_blue_green_deployment() {
    assertThatThrownBy(
            () ->
                EcsRules.blueGreenListenerRulesOnlyForward(
                    "prod", List.of("authenticate-oidc", "forward")))
        .hasMessageContaining("forward actions only");
    assertThatCode(() -> EcsRules.blueGreenListenerRulesOnlyForward("prod", List.of("forward")))
        .doesNotThrowAnyException();
  }

  @Test
  void a_task_whose_image_is_gone_or_lacks_the_platform_cannot_start() {
    Set<String> present = Set.of("repo/app@sha256:1|linux/arm64");
    assertThatThrownBy(
            () ->
                EcsRules.everyImageOfATaskIsPullable(
                    "td:1",
                    "linux/arm64",
                    List.of("repo/app@sha256:2"),
                    (image, platform) -> present.contains(image + "|" + platform)))
        .hasMessageContaining("CannotPullContainerError");
    assertThatThrownBy(
            () ->
                EcsRules.everyImageOfATaskIsPullable(
                    "td:1",
                    "linux/amd64",
                    List.of("repo/app@sha256:1"),
                    (image, platform) -> present.contains(image + "|" + platform)))
        .hasMessageContaining("for linux/amd64");
    assertThatCode(
            () ->
                EcsRules.everyImageOfATaskIsPullable(
                    "td:1",
                    "linux/arm64",
                    List.of("repo/app@sha256:1"),
                    (image, platform) -> present.contains(image + "|" + platform)))
        .doesNotThrowAnyException();
  }

  @Test
  void delete_task_definitions_takes_one_to_ten_and_only_inactive_revisions() {
    assertThatThrownBy(() -> EcsRules.atMostTenRevisionsPerDelete(11))
        .isInstanceOf(RuleViolation.class);
    assertThatCode(() -> EcsRules.atMostTenRevisionsPerDelete(10)).doesNotThrowAnyException();
    org.assertj.core.api.Assertions.assertThat(EcsRules.onlyInactiveRevisionsAreDeleted("ACTIVE"))
        .isPresent();
    org.assertj.core.api.Assertions.assertThat(EcsRules.onlyInactiveRevisionsAreDeleted("INACTIVE"))
        .isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"SUCCESSFUL", "STOPPED", "ROLLBACK_SUCCESSFUL", "ROLLBACK_FAILED"})
  void a_finished_service_deployment_cannot_be_stopped(String status) {
    assertThatThrownBy(() -> EcsRules.onlyOngoingDeploymentsAreStopped("d-1", status))
        .isInstanceOf(RuleViolation.class)
        .hasMessageContaining("is " + status + " and cannot be stopped");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "PENDING",
        "IN_PROGRESS",
        "STOP_REQUESTED",
        "ROLLBACK_REQUESTED",
        "ROLLBACK_IN_PROGRESS"
      })
  void a_pending_or_ongoing_service_deployment_can_be_stopped(String status) {
    assertThatCode(() -> EcsRules.onlyOngoingDeploymentsAreStopped("d-1", status))
        .doesNotThrowAnyException();
  }
}
