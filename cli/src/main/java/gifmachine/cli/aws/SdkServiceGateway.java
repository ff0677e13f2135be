package gifmachine.cli.aws;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DeleteTaskDefinitionsResponse;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceDeploymentBrief;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionStatus;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Action;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Rule;

/** {@link ServiceGateway} on ECS and Elastic Load Balancing v2. */
public final class SdkServiceGateway implements ServiceGateway {

  private final EcsClient ecs;
  private final ElasticLoadBalancingV2Client elb;

  public SdkServiceGateway(EcsClient ecs, ElasticLoadBalancingV2Client elb) {
    this.ecs = ecs;
    this.elb = elb;
  }

  @Override
  public Optional<ServiceInfo> describeService(String cluster, String service) {
    List<Service> services =
        AwsErrors.call(
            "ECS.DescribeServices",
            () -> ecs.describeServices(r -> r.cluster(cluster).services(service)).services());
    return services.stream()
        .findFirst()
        .map(
            s ->
                new ServiceInfo(
                    s.serviceName(),
                    s.status(),
                    s.desiredCount() == null ? 0 : s.desiredCount(),
                    s.runningCount() == null ? 0 : s.runningCount(),
                    s.pendingCount() == null ? 0 : s.pendingCount(),
                    s.taskDefinition() == null ? "" : s.taskDefinition(),
                    s.deployments().size(),
                    s.deploymentController() == null
                        ? "ECS"
                        : s.deploymentController().typeAsString()));
  }

  @Override
  public Map<String, String> containerImages(String taskDefinitionArn) {
    TaskDefinition definition =
        AwsErrors.call(
            "ECS.DescribeTaskDefinition",
            () ->
                ecs.describeTaskDefinition(r -> r.taskDefinition(taskDefinitionArn))
                    .taskDefinition());
    Map<String, String> images = new LinkedHashMap<>();
    definition.containerDefinitions().forEach(c -> images.put(c.name(), c.image()));
    return images;
  }

  @Override
  public List<TargetHealth> targetHealth(String targetGroupArn) {
    return AwsErrors.call(
        "ELBv2.DescribeTargetHealth",
        () ->
            elb
                .describeTargetHealth(r -> r.targetGroupArn(targetGroupArn))
                .targetHealthDescriptions()
                .stream()
                .map(
                    d ->
                        new TargetHealth(
                            d.target().id() + ":" + d.target().port(),
                            d.targetHealth() == null
                                ? "unknown"
                                : d.targetHealth().stateAsString()))
                .toList());
  }

  @Override
  public Map<String, Integer> ruleWeights(String listenerRuleArn) {
    List<Rule> rules =
        AwsErrors.call(
            "ELBv2.DescribeRules",
            () -> elb.describeRules(r -> r.ruleArns(listenerRuleArn)).rules());
    Map<String, Integer> weights = new LinkedHashMap<>();
    for (Rule rule : rules) {
      for (Action action : rule.actions()) {
        if (action.forwardConfig() != null && action.forwardConfig().hasTargetGroups()) {
          action
              .forwardConfig()
              .targetGroups()
              .forEach(t -> weights.put(t.targetGroupArn(), t.weight() == null ? 1 : t.weight()));
        } else if (action.targetGroupArn() != null) {
          weights.put(action.targetGroupArn(), 1);
        }
      }
    }
    return weights;
  }

  @Override
  public List<ServiceDeployment> serviceDeployments(String cluster, String service, Instant since) {
    List<String> arns =
        AwsErrors.call(
            "ECS.ListServiceDeployments",
            () ->
                ecs
                    .listServiceDeployments(
                        r ->
                            r.cluster(cluster)
                                .service(service)
                                .createdAt(c -> c.after(since))
                                .maxResults(20))
                    .serviceDeployments()
                    .stream()
                    .map(ServiceDeploymentBrief::serviceDeploymentArn)
                    .toList());
    return describeDeployments(arns, since);
  }

  /** The statuses of a deployment that has not finished (the "Pending" and "Ongoing" stages). */
  static final List<String> ONGOING =
      List.of(
          "PENDING", "IN_PROGRESS", "STOP_REQUESTED", "ROLLBACK_REQUESTED", "ROLLBACK_IN_PROGRESS");

  @Override
  public List<ServiceDeployment> ongoingServiceDeployments(String cluster, String service) {
    List<String> arns =
        AwsErrors.call(
            "ECS.ListServiceDeployments",
            () ->
                ecs
                    .listServiceDeployments(
                        r ->
                            r.cluster(cluster)
                                .service(service)
                                .statusWithStrings(ONGOING)
                                .maxResults(20))
                    .serviceDeployments()
                    .stream()
                    .map(ServiceDeploymentBrief::serviceDeploymentArn)
                    .toList());
    return describeDeployments(arns, Instant.EPOCH);
  }

  @Override
  public void rollBackServiceDeployment(String serviceDeploymentArn) {
    AwsErrors.run(
        "ECS.StopServiceDeployment",
        () ->
            ecs.stopServiceDeployment(
                r ->
                    r.serviceDeploymentArn(serviceDeploymentArn)
                        .stopType(
                            software.amazon.awssdk.services.ecs.model.StopServiceDeploymentStopType
                                .ROLLBACK)));
  }

  private List<ServiceDeployment> describeDeployments(List<String> arns, Instant since) {
    if (arns.isEmpty()) {
      return List.of();
    }
    return AwsErrors.call(
        "ECS.DescribeServiceDeployments",
        () ->
            ecs
                .describeServiceDeployments(r -> r.serviceDeploymentArns(arns))
                .serviceDeployments()
                .stream()
                .map(
                    d ->
                        new ServiceDeployment(
                            d.serviceDeploymentArn(),
                            d.createdAt() == null ? since : d.createdAt(),
                            d.statusAsString() == null ? "" : d.statusAsString(),
                            d.lifecycleStageAsString() == null ? "" : d.lifecycleStageAsString(),
                            d.statusReason() == null ? "" : d.statusReason()))
                .sorted(java.util.Comparator.comparing(ServiceDeployment::createdAt))
                .toList());
  }

  @Override
  public List<String> taskDefinitions(String family, boolean active) {
    // familyPrefix matches every family starting with it: keep exactly ours.
    return AwsErrors.call(
        "ECS.ListTaskDefinitions",
        () ->
            ecs
                .listTaskDefinitionsPaginator(
                    r ->
                        r.familyPrefix(family)
                            .status(
                                active
                                    ? TaskDefinitionStatus.ACTIVE
                                    : TaskDefinitionStatus.INACTIVE))
                .taskDefinitionArns()
                .stream()
                .filter(arn -> arn.substring(arn.lastIndexOf('/') + 1).startsWith(family + ":"))
                .toList());
  }

  @Override
  public void deregisterTaskDefinition(String arn) {
    AwsErrors.call(
        "ECS.DeregisterTaskDefinition",
        () -> ecs.deregisterTaskDefinition(r -> r.taskDefinition(arn)));
  }

  @Override
  public Map<String, String> deleteTaskDefinitions(List<String> arns) {
    Map<String, String> refused = new LinkedHashMap<>();
    // DeleteTaskDefinitions takes at most 10 revisions per call
    // (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeleteTaskDefinitions.html).
    for (int i = 0; i < arns.size(); i += 10) {
      List<String> batch = arns.subList(i, Math.min(arns.size(), i + 10));
      DeleteTaskDefinitionsResponse response =
          AwsErrors.call(
              "ECS.DeleteTaskDefinitions",
              () -> ecs.deleteTaskDefinitions(r -> r.taskDefinitions(batch)));
      response
          .failures()
          .forEach(
              f ->
                  refused.put(
                      f.arn(), f.reason() + (f.detail() == null ? "" : " (" + f.detail() + ")")));
    }
    return refused;
  }
}
