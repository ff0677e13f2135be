package gifmachine.cli.aws;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.DescribeTaskDefinitionResponse;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TaskDefinitionField;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;

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
    List<Service> services = AwsErrors.call("ECS.DescribeServices",
        () -> ecs.describeServices(r -> r.cluster(cluster).services(service)).services());
    return services.stream().findFirst().map(s -> new ServiceInfo(
        s.serviceName(),
        s.status(),
        s.desiredCount() == null ? 0 : s.desiredCount(),
        s.runningCount() == null ? 0 : s.runningCount(),
        s.pendingCount() == null ? 0 : s.pendingCount(),
        s.taskDefinition() == null ? "" : s.taskDefinition(),
        s.deployments().size(),
        s.deploymentController() == null ? "ECS" : s.deploymentController().typeAsString()));
  }

  @Override
  public Map<String, String> containerImages(String taskDefinitionArn) {
    TaskDefinition definition = AwsErrors.call("ECS.DescribeTaskDefinition",
        () -> ecs.describeTaskDefinition(r -> r.taskDefinition(taskDefinitionArn)).taskDefinition());
    Map<String, String> images = new LinkedHashMap<>();
    definition.containerDefinitions().forEach(c -> images.put(c.name(), c.image()));
    return images;
  }

  @Override
  public String registerRevision(String taskDefinitionArn, String container, String image) {
    DescribeTaskDefinitionResponse current = AwsErrors.call("ECS.DescribeTaskDefinition",
        () -> ecs.describeTaskDefinition(r -> r.taskDefinition(taskDefinitionArn).include(TaskDefinitionField.TAGS)));
    TaskDefinition td = current.taskDefinition();
    List<ContainerDefinition> containers = td.containerDefinitions().stream()
        .map(c -> c.name().equals(container) ? c.toBuilder().image(image).build() : c)
        .toList();
    return AwsErrors.call("ECS.RegisterTaskDefinition", () -> ecs.registerTaskDefinition(r -> r
        .family(td.family())
        .taskRoleArn(td.taskRoleArn())
        .executionRoleArn(td.executionRoleArn())
        .networkMode(td.networkMode())
        .containerDefinitions(containers)
        .volumes(td.volumes())
        .placementConstraints(td.placementConstraints().stream()
            .map(p -> software.amazon.awssdk.services.ecs.model.TaskDefinitionPlacementConstraint.builder()
                .type(p.type()).expression(p.expression()).build()).toList())
        .requiresCompatibilitiesWithStrings(td.requiresCompatibilitiesAsStrings())
        .cpu(td.cpu())
        .memory(td.memory())
        .runtimePlatform(td.runtimePlatform())
        .ephemeralStorage(td.ephemeralStorage())
        .tags(current.tags().isEmpty() ? null : current.tags()))
        .taskDefinition().taskDefinitionArn());
  }

  @Override
  public List<TargetHealth> targetHealth(String targetGroupArn) {
    return AwsErrors.call("ELBv2.DescribeTargetHealth", () -> elb.describeTargetHealth(r -> r.targetGroupArn(targetGroupArn))
        .targetHealthDescriptions().stream()
        .map(d -> new TargetHealth(d.target().id() + ":" + d.target().port(),
            d.targetHealth() == null ? "unknown" : d.targetHealth().stateAsString()))
        .toList());
  }
}
