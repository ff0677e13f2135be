package gifmachine.cli.aws.rules;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Amazon ECS's documented rules on service updates, blue/green deployments and starting tasks, as
 * the simulated ECS enforces them: one method per rule.
 */
public final class EcsRules {

  static final String UPDATE_SERVICE =
      "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_UpdateService.html";
  static final String BLUE_GREEN_RESOURCES =
      "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/blue-green-deployment-implementation.html";
  static final String MIGRATE =
      "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/migrate-code-deploy-to-ecs-blue-green.html";
  static final String ALB_RESOURCES =
      "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/alb-resources-for-blue-green.html";
  static final String CANNOT_PULL =
      "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task_cannot_pull_image.html";

  /**
   * What UpdateService may change on a {@code CODE_DEPLOY} service; the rest (task definition, load
   * balancers, network configuration, platform version) needs a CodeDeploy deployment.
   */
  static final Set<String> CODE_DEPLOY_UPDATABLE =
      Set.of(
          "DesiredCount",
          "DeploymentConfiguration",
          "HealthCheckGracePeriodSeconds",
          "PlacementConstraints",
          "PlacementStrategies",
          "EnableECSManagedTags",
          "PropagateTags",
          "Tags");

  static final String DELETE_TASK_DEFINITIONS =
      "https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeleteTaskDefinitions.html";

  static final String STOP_DEPLOYMENT =
      "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stop-service-deployment.html";

  /** The states a service deployment can be stopped in ({@link #STOP_DEPLOYMENT}). */
  static final Set<String> STOPPABLE =
      Set.of(
          "PENDING", "IN_PROGRESS", "STOP_REQUESTED", "ROLLBACK_REQUESTED", "ROLLBACK_IN_PROGRESS");

  private EcsRules() {}

  /**
   * StopServiceDeployment works on a deployment that has not finished: "You can stop a deployment
   * that is in any of the following states" lists PENDING, IN_PROGRESS, STOP_REQUESTED,
   * ROLLBACK_REQUESTED and ROLLBACK_IN_PROGRESS; a completed one (SUCCESSFUL, STOPPED,
   * ROLLBACK_SUCCESSFUL, ROLLBACK_FAILED) is refused. ({@link #STOP_DEPLOYMENT})
   */
  public static void onlyOngoingDeploymentsAreStopped(String deployment, String status) {
    if (!STOPPABLE.contains(status)) {
      throw new RuleViolation(
          "StopServiceDeployment",
          "onlyOngoingDeploymentsAreStopped",
          "Service deployment " + deployment + " is " + status + " and cannot be stopped",
          STOP_DEPLOYMENT);
    }
  }

  /** DeleteTaskDefinitions takes 1 to 10 revisions per call. ({@link #DELETE_TASK_DEFINITIONS}) */
  public static void atMostTenRevisionsPerDelete(int count) {
    if (count < 1 || count > 10) {
      throw new RuleViolation(
          "DeleteTaskDefinitions",
          "atMostTenRevisionsPerDelete",
          count + " task definitions in one call; 1 to 10 are allowed",
          DELETE_TASK_DEFINITIONS);
    }
  }

  /**
   * Only an INACTIVE revision can be deleted; ECS lists any other in the call's failures, and the
   * revision stays. ({@link #DELETE_TASK_DEFINITIONS})
   *
   * @return the failure reason ECS gives, empty when the revision may be deleted
   */
  public static java.util.Optional<String> onlyInactiveRevisionsAreDeleted(String status) {
    return status.equals("INACTIVE")
        ? java.util.Optional.empty()
        : java.util.Optional.of(
            "The specified task definition is not in INACTIVE status (it is " + status + ")");
  }

  /**
   * "For services using the blue/green (CODE_DEPLOY) deployment controller, only the desired count,
   * deployment configuration, health check grace period, task placement constraints and strategies,
   * enable ECS managed tags option, and propagate tags can be updated using this API." The {@code
   * ECS} controller takes every property. ({@link #UPDATE_SERVICE})
   *
   * @param changed the service's template properties CloudFormation sends in UpdateService
   */
  public static void updateServiceSendsOnlyWhatTheControllerAccepts(
      String controller, Set<String> changed) {
    if (!controller.equals("CODE_DEPLOY")) {
      return;
    }
    Set<String> refused = new TreeSet<>(changed);
    refused.removeAll(CODE_DEPLOY_UPDATABLE);
    if (!refused.isEmpty()) {
      throw new RuleViolation(
          "UpdateService",
          "updateServiceSendsOnlyWhatTheControllerAccepts",
          "Unable to update "
              + String.join(", ", refused)
              + " on a service using the CODE_DEPLOY deployment"
              + " controller; use AWS CodeDeploy to trigger a new deployment",
          UPDATE_SERVICE);
    }
  }

  /**
   * A blue/green, canary or linear service behind a load balancer names, per load balancer, the
   * alternate target group, the production listener rule and the role ECS uses to move traffic.
   * ({@link #BLUE_GREEN_RESOURCES})
   */
  public static void blueGreenNamesAlternateGroupRuleAndRole(
      String strategy, String alternateTargetGroup, String productionListenerRule, String roleArn) {
    if (strategy.equals("ROLLING")) {
      return;
    }
    List<String> missing = new java.util.ArrayList<>();
    if (alternateTargetGroup.isBlank()) {
      missing.add("alternateTargetGroupArn");
    }
    if (productionListenerRule.isBlank()) {
      missing.add("productionListenerRule");
    }
    if (roleArn.isBlank()) {
      missing.add("roleArn");
    }
    if (!missing.isEmpty()) {
      throw new RuleViolation(
          "UpdateService",
          "blueGreenNamesAlternateGroupRuleAndRole",
          strategy
              + " deployments need "
              + String.join(", ", missing)
              + " in the load balancer's advancedConfiguration",
          BLUE_GREEN_RESOURCES);
    }
  }

  /**
   * "Both targetGroup and alternateTargetGroup must be associated with the productionListenerRule
   * or testListenerRule." ({@link #MIGRATE}) Checked when a deployment starts.
   */
  public static void bothGroupsAreInTheListenerRules(
      String targetGroup,
      String alternate,
      Set<String> productionRuleGroups,
      Set<String> testRuleGroups) {
    boolean primary =
        productionRuleGroups.contains(targetGroup) || testRuleGroups.contains(targetGroup);
    boolean other = productionRuleGroups.contains(alternate) || testRuleGroups.contains(alternate);
    if (!primary || !other) {
      throw new RuleViolation(
          "CreateServiceDeployment",
          "bothGroupsAreInTheListenerRules",
          "Service deployment rolled back because of invalid networking configuration. Both targetGroup and"
              + " alternateTargetGroup must be associated with the productionListenerRule or testListenerRule.",
          MIGRATE);
    }
  }

  /**
   * Listeners used by blue/green deployments only forward: rules mixing forward with redirect,
   * fixed-response or authentication actions fail the deployment. ({@link #ALB_RESOURCES})
   */
  public static void blueGreenListenerRulesOnlyForward(String rule, List<String> actionTypes) {
    if (actionTypes.stream().anyMatch(t -> !t.equals("forward"))) {
      throw new RuleViolation(
          "CreateServiceDeployment",
          "blueGreenListenerRulesOnlyForward",
          "Listener rule "
              + rule
              + " has actions "
              + actionTypes
              + "; blue/green deployments need forward actions only",
          ALB_RESOURCES);
    }
  }

  /**
   * A task starts only if every container's image exists in its repository for the task's platform;
   * otherwise it stops with CannotPullContainerError ("not found", or "image manifest does not
   * contain descriptor matching platform"). ({@link #CANNOT_PULL})
   *
   * @param pullable whether the image reference resolves to a manifest for the platform
   */
  public static void everyImageOfATaskIsPullable(
      String taskDefinition,
      String platform,
      List<String> images,
      java.util.function.BiPredicate<String, String> pullable) {
    for (String image : images) {
      if (!pullable.test(image, platform)) {
        throw new RuleViolation(
            "RunTask",
            "everyImageOfATaskIsPullable",
            "CannotPullContainerError: "
                + image
                + " for "
                + platform
                + " (task definition "
                + taskDefinition
                + ")",
            CANNOT_PULL);
      }
    }
  }
}
