package gifmachine.cli.aws.rules;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The documented state machines of a release, which {@link ScriptedDelivery} enforces on every
 * scripted change: CodePipeline execution and stage statuses, CodeBuild's phase order, and ECS's
 * blue/green lifecycle stages with their traffic. One method per rule, each citing its page; a
 * broken rule throws {@link RuleViolation}, so a scenario cannot script what AWS would never
 * report.
 */
public final class DeliveryRules {
  private DeliveryRules() {}

  static final String EXECUTION_STATUSES =
      "https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_PipelineExecution.html";
  static final String STOPPED_EXECUTIONS =
      "https://docs.aws.amazon.com/codepipeline/latest/userguide/concepts.html#concepts-executions-stopped";
  static final String BUILD_PHASES =
      "https://docs.aws.amazon.com/codebuild/latest/userguide/view-build-details-phases.html";
  static final String BLUE_GREEN_WORKFLOW =
      "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/blue-green-deployment-how-it-works.html";
  static final String LIFECYCLE_HOOKS =
      "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/lambda-lifecycle-hooks.html";

  /**
   * An execution is {@code InProgress} until it ends; a stop request goes through {@code Stopping};
   * {@code Succeeded}, {@code Failed}, {@code Stopped}, {@code Superseded} and {@code Cancelled}
   * are final.
   */
  static final Map<String, Set<String>> EXECUTION_NEXT =
      Map.of(
          "InProgress", Set.of("Stopping", "Succeeded", "Failed", "Superseded", "Cancelled"),
          "Stopping", Set.of("Stopped", "Failed"));

  /** Execution statuses (EXECUTION_STATUSES): each change is one the API documents. */
  public static void executionStatusMayFollow(String from, String to) {
    if (!EXECUTION_NEXT.getOrDefault(from, Set.of()).contains(to)) {
      throw new RuleViolation(
          "CodePipeline.GetPipelineExecution",
          "executionStatusMayFollow",
          "an execution does not go from " + from + " to " + to,
          EXECUTION_STATUSES + " " + STOPPED_EXECUTIONS);
    }
  }

  /**
   * Stages run in order and one at a time for an execution: a stage starts only when every stage
   * before it succeeded, so after a failed stage no later stage runs (EXECUTION_STATUSES).
   */
  public static void stageStartsAfterThoseBeforeSucceeded(
      String stage, List<String> statusesBefore) {
    if (statusesBefore.stream().anyMatch(s -> !s.equals("Succeeded"))) {
      throw new RuleViolation(
          "CodePipeline.GetPipelineState",
          "stageStartsAfterThoseBeforeSucceeded",
          "stage " + stage + " cannot start while the stages before it are " + statusesBefore,
          EXECUTION_STATUSES);
    }
  }

  /** CodeBuild's phases, in the order a build goes through them (BUILD_PHASES). */
  public static final List<String> PHASES =
      List.of(
          "SUBMITTED",
          "QUEUED",
          "PROVISIONING",
          "DOWNLOAD_SOURCE",
          "INSTALL",
          "PRE_BUILD",
          "BUILD",
          "POST_BUILD",
          "UPLOAD_ARTIFACTS",
          "FINALIZING",
          "COMPLETED");

  /** A build moves forward through {@link #PHASES}, never back (BUILD_PHASES). */
  public static void buildPhaseMovesForward(String from, String to) {
    if (PHASES.indexOf(to) < 0 || PHASES.indexOf(to) <= PHASES.indexOf(from)) {
      throw new RuleViolation(
          "CodeBuild.BatchGetBuilds",
          "buildPhaseMovesForward",
          "a build does not go from phase " + from + " to " + to,
          BUILD_PHASES);
    }
  }

  /**
   * "The UPLOAD_ARTIFACTS phase is always attempted, even if the BUILD phase fails" (BUILD_PHASES).
   */
  public static void uploadArtifactsIsAttemptedAfterAFailedBuild(
      boolean buildFailed, boolean uploadAttempted, String next) {
    if (buildFailed
        && !uploadAttempted
        && PHASES.indexOf(next) > PHASES.indexOf("UPLOAD_ARTIFACTS")) {
      throw new RuleViolation(
          "CodeBuild.BatchGetBuilds",
          "uploadArtifactsIsAttemptedAfterAFailedBuild",
          "after a failed BUILD phase a build attempts UPLOAD_ARTIFACTS before " + next,
          BUILD_PHASES);
    }
  }

  /**
   * ECS blue/green lifecycle stages in order (BLUE_GREEN_WORKFLOW;
   * ServiceDeployment.lifecycleStage).
   */
  public static final List<String> LIFECYCLE =
      List.of(
          "RECONCILE_SERVICE",
          "PRE_SCALE_UP",
          "SCALE_UP",
          "POST_SCALE_UP",
          "TEST_TRAFFIC_SHIFT",
          "POST_TEST_TRAFFIC_SHIFT",
          "PRODUCTION_TRAFFIC_SHIFT",
          "POST_PRODUCTION_TRAFFIC_SHIFT",
          "BAKE_TIME",
          "CLEAN_UP");

  /** A deployment in progress moves forward through {@link #LIFECYCLE} (BLUE_GREEN_WORKFLOW). */
  public static void lifecycleStageMovesForward(String from, String to) {
    if (LIFECYCLE.indexOf(to) < 0
        || (!from.isEmpty() && LIFECYCLE.indexOf(to) <= LIFECYCLE.indexOf(from))) {
      throw new RuleViolation(
          "ECS.DescribeServiceDeployments",
          "lifecycleStageMovesForward",
          "a blue/green deployment does not go from " + from + " to " + to,
          BLUE_GREEN_WORKFLOW);
    }
  }

  /**
   * Production traffic reaches the green revision only from {@code PRODUCTION_TRAFFIC_SHIFT} on:
   * before it, blue serves 100% of production (BLUE_GREEN_WORKFLOW).
   */
  public static void productionShiftsOnlyInItsStage(String stage, int greenWeight) {
    if (greenWeight > 0
        && LIFECYCLE.indexOf(stage) < LIFECYCLE.indexOf("PRODUCTION_TRAFFIC_SHIFT")) {
      throw new RuleViolation(
          "ELBv2.DescribeRules",
          "productionShiftsOnlyInItsStage",
          "green gets production traffic (" + greenWeight + ") during " + stage,
          BLUE_GREEN_WORKFLOW);
    }
  }

  /**
   * A hook answering FAILED rolls the deployment back: its status becomes ROLLBACK_IN_PROGRESS,
   * then ROLLBACK_SUCCESSFUL or ROLLBACK_FAILED, never SUCCESSFUL (LIFECYCLE_HOOKS).
   */
  public static void failedHookRollsBack(String statusAfterFailedHook) {
    if (!statusAfterFailedHook.startsWith("ROLLBACK_")) {
      throw new RuleViolation(
          "ECS.DescribeServiceDeployments",
          "failedHookRollsBack",
          "after a hook answered FAILED the deployment is "
              + statusAfterFailedHook
              + ", not rolling back",
          LIFECYCLE_HOOKS);
    }
  }
}
