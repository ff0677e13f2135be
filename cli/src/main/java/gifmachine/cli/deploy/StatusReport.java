package gifmachine.cli.deploy;

import gifmachine.cli.aws.Aws;
import gifmachine.cli.aws.ServiceGateway;
import gifmachine.infra.DeploymentConfig;
import gifmachine.infra.StackOutputs;
import gifmachine.infra.StackPart;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What {@code status} shows: each stack and its state, the Gifmachine service's task counts,
 * target health and deployed image digests, and the URLs. A record, so that {@code --output
 * json} is a plain serialization of it.
 */
public record StatusReport(
    String deployment,
    String region,
    List<StackState> stacks,
    Optional<Service> service,
    List<Target> targets,
    Map<String, String> urls) {

  public record StackState(String part, String name, String status) {}

  public record Service(String name, String status, int desired, int running, int pending,
      String taskDefinition, Map<String, String> images) {}

  public record Target(String targetGroup, String target, String state) {}

  public static StatusReport collect(Aws aws, DeploymentConfig config) {
    Stacks deployed = Stacks.read(aws, config);
    List<StackState> stacks = new ArrayList<>();
    for (StackPart part : StackPart.values()) {
      if (!config.includes(part) && deployed.stack(part).isEmpty()) {
        continue;
      }
      stacks.add(new StackState(part.suffix(), config.stackName(part),
          deployed.stack(part).map(s -> s.status()).orElse("NOT_DEPLOYED")));
    }
    Optional<Service> service = Optional.empty();
    Optional<String> cluster = deployed.output(StackPart.GIFMACHINE, StackOutputs.CLUSTER_NAME);
    Optional<String> serviceName = deployed.output(StackPart.GIFMACHINE, StackOutputs.SERVICE_NAME);
    if (cluster.isPresent() && serviceName.isPresent()) {
      Optional<ServiceGateway.ServiceInfo> info = Preflight.guard("describing the service",
          () -> aws.services().describeService(cluster.get(), serviceName.get()));
      service = info.map(i -> new Service(i.name(), i.status(), i.desired(), i.running(), i.pending(), i.taskDefinition(),
          i.taskDefinition().isBlank() ? Map.of()
              : Preflight.guard("reading the task definition", () -> aws.services().containerImages(i.taskDefinition()))));
    }
    List<Target> targets = new ArrayList<>();
    for (String output : List.of(StackOutputs.BLUE_TARGET_GROUP_ARN, StackOutputs.GREEN_TARGET_GROUP_ARN)) {
      Optional<String> arn = deployed.output(StackPart.GIFMACHINE, output);
      if (arn.isPresent()) {
        String group = output.startsWith("Blue") ? "blue" : "green";
        Preflight.guard("reading target health", () -> aws.services().targetHealth(arn.get()))
            .forEach(t -> targets.add(new Target(group, t.target(), t.state())));
      }
    }
    Map<String, String> urls = new LinkedHashMap<>();
    deployed.gifmachineUrl().ifPresent(u -> urls.put("gifmachine", u));
    deployed.grafanaUrl().ifPresent(u -> urls.put("grafana", u));
    return new StatusReport(config.deploymentName(), config.region(), stacks, service, targets, urls);
  }
}
