package gifmachine.cli.aws.rules;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each rule of {@link DeliveryRules} rejects what AWS never reports, and lets through what it does.
 */
class DeliveryRulesTest {

  @ParameterizedTest
  @CsvSource({
    "InProgress,Succeeded",
    "InProgress,Failed",
    "InProgress,Stopping",
    "Stopping,Stopped",
    "InProgress,Superseded"
  })
  void documented_execution_transitions_pass(String from, String to) {
    assertThatCode(() -> DeliveryRules.executionStatusMayFollow(from, to))
        .doesNotThrowAnyException();
  }

  @ParameterizedTest
  @CsvSource({
    "Succeeded,InProgress",
    "Failed,Succeeded",
    "InProgress,Stopped",
    "Stopped,InProgress",
    "Stopping,Succeeded"
  })
  void an_execution_never_leaves_a_final_status_nor_stops_without_stopping(String from, String to) {
    assertThatThrownBy(() -> DeliveryRules.executionStatusMayFollow(from, to))
        .isInstanceOf(RuleViolation.class)
        .hasMessageContaining("executionStatusMayFollow");
  }

  @Test
  void a_stage_does_not_start_after_a_failed_or_unfinished_stage() {
    assertThatCode(
            () ->
                DeliveryRules.stageStartsAfterThoseBeforeSucceeded(
                    "Deploy", List.of("Succeeded", "Succeeded")))
        .doesNotThrowAnyException();
    assertThatThrownBy(
            () ->
                DeliveryRules.stageStartsAfterThoseBeforeSucceeded(
                    "Deploy", List.of("Succeeded", "Failed")))
        .isInstanceOf(RuleViolation.class);
    assertThatThrownBy(
            () ->
                DeliveryRules.stageStartsAfterThoseBeforeSucceeded("Build", List.of("InProgress")))
        .isInstanceOf(RuleViolation.class);
  }

  @Test
  void build_phases_only_move_forward() {
    assertThatCode(() -> DeliveryRules.buildPhaseMovesForward("PROVISIONING", "DOWNLOAD_SOURCE"))
        .doesNotThrowAnyException();
    assertThatCode(() -> DeliveryRules.buildPhaseMovesForward("BUILD", "UPLOAD_ARTIFACTS"))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> DeliveryRules.buildPhaseMovesForward("BUILD", "INSTALL"))
        .isInstanceOf(RuleViolation.class);
    assertThatThrownBy(() -> DeliveryRules.buildPhaseMovesForward("BUILD", "BUILD"))
        .isInstanceOf(RuleViolation.class);
    assertThatThrownBy(() -> DeliveryRules.buildPhaseMovesForward("BUILD", "DEPLOY"))
        .isInstanceOf(RuleViolation.class);
  }

  @Test
  void a_failed_build_phase_is_followed_by_an_upload_artifacts_attempt() {
    assertThatCode(
            () ->
                DeliveryRules.uploadArtifactsIsAttemptedAfterAFailedBuild(
                    true, false, "UPLOAD_ARTIFACTS"))
        .doesNotThrowAnyException();
    assertThatCode(
            () ->
                DeliveryRules.uploadArtifactsIsAttemptedAfterAFailedBuild(true, true, "FINALIZING"))
        .doesNotThrowAnyException();
    assertThatThrownBy(
            () ->
                DeliveryRules.uploadArtifactsIsAttemptedAfterAFailedBuild(
                    true, false, "FINALIZING"))
        .isInstanceOf(RuleViolation.class);
  }

  @Test
  void ecs_lifecycle_stages_only_move_forward() {
    assertThatCode(() -> DeliveryRules.lifecycleStageMovesForward("", "PRE_SCALE_UP"))
        .doesNotThrowAnyException();
    assertThatCode(() -> DeliveryRules.lifecycleStageMovesForward("SCALE_UP", "TEST_TRAFFIC_SHIFT"))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> DeliveryRules.lifecycleStageMovesForward("BAKE_TIME", "SCALE_UP"))
        .isInstanceOf(RuleViolation.class);
    assertThatThrownBy(() -> DeliveryRules.lifecycleStageMovesForward("SCALE_UP", "WARM_UP"))
        .isInstanceOf(RuleViolation.class);
  }

  @Test
  void green_gets_no_production_traffic_before_the_production_shift() {
    assertThatCode(() -> DeliveryRules.productionShiftsOnlyInItsStage("TEST_TRAFFIC_SHIFT", 0))
        .doesNotThrowAnyException();
    assertThatCode(
            () -> DeliveryRules.productionShiftsOnlyInItsStage("PRODUCTION_TRAFFIC_SHIFT", 100))
        .doesNotThrowAnyException();
    assertThatThrownBy(
            () -> DeliveryRules.productionShiftsOnlyInItsStage("POST_TEST_TRAFFIC_SHIFT", 10))
        .isInstanceOf(RuleViolation.class);
  }

  @Test
  void a_failed_hook_is_followed_by_a_rollback_never_success() {
    assertThatCode(() -> DeliveryRules.failedHookRollsBack("ROLLBACK_IN_PROGRESS"))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> DeliveryRules.failedHookRollsBack("SUCCESSFUL"))
        .isInstanceOf(RuleViolation.class);
    assertThatThrownBy(() -> DeliveryRules.failedHookRollsBack("IN_PROGRESS"))
        .isInstanceOf(RuleViolation.class);
  }

  @Test
  void the_scripted_delivery_refuses_to_script_what_aws_would_never_report() {
    ScriptedDelivery aws =
        new ScriptedDelivery(() -> java.time.Instant.EPOCH, List.of("Source", "Build"));
    aws.stage("Source", "Failed");

    assertThatThrownBy(() -> aws.stage("Build", "InProgress")).isInstanceOf(RuleViolation.class);
    org.assertj.core.api.Assertions.assertThat(aws.violations())
        .singleElement()
        .asString()
        .contains("stageStartsAfterThoseBeforeSucceeded");
  }
}
