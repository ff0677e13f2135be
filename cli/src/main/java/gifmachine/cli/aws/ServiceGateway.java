package gifmachine.cli.aws;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * ECS and the load balancer, as {@code status}, {@code up} and {@code down} see them: service
 * counts, the images a task definition runs, target health, the weights of the production listener
 * rule (which target group is live), the service's blue/green deployments and their lifecycle
 * stages, and the task definition revisions of a family.
 */
public interface ServiceGateway {

  /**
   * @param deployments how many ECS deployments the service has (1 when it is steady)
   * @param deploymentController {@code ECS} or {@code CODE_DEPLOY}
   */
  record ServiceInfo(
      String name,
      String status,
      int desired,
      int running,
      int pending,
      String taskDefinition,
      int deployments,
      String deploymentController) {

    /** Steady: the running tasks are all the service wants, and no deployment is under way. */
    public boolean stable() {
      return running == desired && pending == 0 && deployments <= 1;
    }
  }

  /**
   * One registered target of a target group and its health ({@code healthy}, {@code unhealthy}, …).
   */
  record TargetHealth(String target, String state) {}

  /**
   * One ECS service deployment (ListServiceDeployments/DescribeServiceDeployments).
   *
   * @param status {@code PENDING}, {@code IN_PROGRESS}, {@code SUCCESSFUL}, {@code STOPPED}, {@code
   *     ROLLBACK_IN_PROGRESS}, {@code ROLLBACK_SUCCESSFUL}, {@code ROLLBACK_FAILED}, …
   * @param lifecycleStage e.g. {@code SCALE_UP}, {@code TEST_TRAFFIC_SHIFT}, {@code BAKE_TIME};
   *     empty when ECS reports none
   * @param statusReason ECS's reason, empty when none
   */
  record ServiceDeployment(
      String arn, Instant createdAt, String status, String lifecycleStage, String statusReason) {}

  Optional<ServiceInfo> describeService(String cluster, String service);

  /** Container name to image for a task definition. */
  Map<String, String> containerImages(String taskDefinitionArn);

  List<TargetHealth> targetHealth(String targetGroupArn);

  /** Target group ARN to weight in the listener rule's forward action (DescribeRules). */
  Map<String, Integer> ruleWeights(String listenerRuleArn);

  /**
   * The service's deployments created at or after {@code since}, oldest first, with their stage.
   */
  List<ServiceDeployment> serviceDeployments(String cluster, String service, Instant since);

  /**
   * The service's deployments that have not finished: PENDING, IN_PROGRESS, STOP_REQUESTED,
   * ROLLBACK_REQUESTED, ROLLBACK_IN_PROGRESS ("Pending" and "Ongoing" in
   * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-deployment.html).
   */
  List<ServiceDeployment> ongoingServiceDeployments(String cluster, String service);

  /**
   * StopServiceDeployment with stop type ROLLBACK: ECS rolls the deployment back to the service
   * revision it started from
   * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stop-service-deployment.html).
   */
  void rollBackServiceDeployment(String serviceDeploymentArn);

  /** ARNs of the family's ACTIVE (or, with {@code active} false, INACTIVE) revisions. */
  List<String> taskDefinitions(String family, boolean active);

  /** Marks a revision INACTIVE (DeregisterTaskDefinition); an INACTIVE one is fine. */
  void deregisterTaskDefinition(String arn);

  /**
   * Deletes INACTIVE revisions (DeleteTaskDefinitions, at most 10 a call); returns the ARNs ECS
   * refused with its reason, e.g. still used by a task.
   */
  Map<String, String> deleteTaskDefinitions(List<String> arns);
}
