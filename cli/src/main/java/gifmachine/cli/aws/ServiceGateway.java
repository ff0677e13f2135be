package gifmachine.cli.aws;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * ECS and the load balancer, as {@code status} and {@code up} see them: service counts, the
 * images a task definition runs, target health, and a new task definition revision for a
 * CodeDeploy blue/green rollout.
 */
public interface ServiceGateway {

  /**
   * @param deployments how many ECS deployments the service has (1 when it is steady)
   * @param deploymentController {@code ECS} or {@code CODE_DEPLOY}
   */
  record ServiceInfo(
      String name, String status, int desired, int running, int pending, String taskDefinition,
      int deployments, String deploymentController) {

    /** Steady: the running tasks are all the service wants, and no deployment is under way. */
    public boolean stable() {
      return running == desired && pending == 0 && deployments <= 1;
    }
  }

  /** One registered target of a target group and its health ({@code healthy}, {@code unhealthy}, …). */
  record TargetHealth(String target, String state) {}

  Optional<ServiceInfo> describeService(String cluster, String service);

  /** Container name to image for a task definition. */
  Map<String, String> containerImages(String taskDefinitionArn);

  /** Registers a copy of the task definition with one container's image replaced; returns the new ARN. */
  String registerRevision(String taskDefinitionArn, String container, String image);

  List<TargetHealth> targetHealth(String targetGroupArn);
}
