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
 * What {@code status} shows: each stack and its state, the Gifmachine service's task counts, target
 * health and deployed image digests, and the URLs. A record, so that {@code --output json} is a
 * plain serialization of it.
 */
public record StatusReport(
    String deployment,
    String region,
    List<StackState> stacks,
    Optional<Service> service,
    List<Target> targets,
    Map<String, String> urls,
    Optional<Pipeline> pipeline,
    List<ServiceGateway.ServiceDeployment> deploymentsInProgress,
    List<String> unreadable) {

  /** How many pipeline executions {@code status} lists. */
  public static final int EXECUTIONS = 5;

  /**
   * The delivery pipeline's latest executions, newest first; {@code problem} says why they could
   * not be read (blank when they were), which never fails {@code status}.
   */
  public record Pipeline(String name, List<Execution> executions, String problem) {}

  /**
   * One execution: its state, the source it ran (the commit {@code release} wrote), its times
   * (ISO-8601, as {@code --output json} writes them).
   */
  public record Execution(
      String id, String status, String source, String started, String updated, String summary) {}

  /** ECS service deployment statuses that are not over yet (ListServiceDeployments). */
  static final java.util.Set<String> UNDER_WAY =
      java.util.Set.of(
          "PENDING",
          "IN_PROGRESS",
          "STOP_REQUESTED",
          "STOP_IN_PROGRESS",
          "ROLLBACK_REQUESTED",
          "ROLLBACK_IN_PROGRESS");

  public record StackState(String part, String name, String status) {}

  public record Service(
      String name,
      String status,
      int desired,
      int running,
      int pending,
      String taskDefinition,
      Map<String, String> images) {}

  public record Target(String targetGroup, String target, String state) {}

  public static StatusReport collect(Aws aws, DeploymentConfig config) {
    return collect(aws, config, java.time.Instant.now());
  }

  /**
   * @param now for how far back ECS deployments are looked at (a day)
   */
  public static StatusReport collect(Aws aws, DeploymentConfig config, java.time.Instant now) {
    Stacks deployed = Stacks.read(aws, config);
    List<StackState> stacks = new ArrayList<>();
    for (StackPart part : StackPart.values()) {
      if (!config.includes(part) && deployed.stack(part).isEmpty()) {
        continue;
      }
      stacks.add(
          new StackState(
              part.suffix(),
              config.stackName(part),
              deployed.stack(part).map(s -> s.status()).orElse("NOT_DEPLOYED")));
    }
    Optional<Service> service = Optional.empty();
    Optional<String> cluster = deployed.output(StackPart.GIFMACHINE, StackOutputs.CLUSTER_NAME);
    Optional<String> serviceName = deployed.output(StackPart.GIFMACHINE, StackOutputs.SERVICE_NAME);
    if (cluster.isPresent() && serviceName.isPresent()) {
      Optional<ServiceGateway.ServiceInfo> info =
          Preflight.guard(
              "describing the service",
              () -> aws.services().describeService(cluster.get(), serviceName.get()));
      service =
          info.map(
              i ->
                  new Service(
                      i.name(),
                      i.status(),
                      i.desired(),
                      i.running(),
                      i.pending(),
                      i.taskDefinition(),
                      i.taskDefinition().isBlank()
                          ? Map.of()
                          : Preflight.guard(
                              "reading the task definition",
                              () -> aws.services().containerImages(i.taskDefinition()))));
    }
    List<Target> targets = new ArrayList<>();
    for (String output :
        List.of(StackOutputs.BLUE_TARGET_GROUP_ARN, StackOutputs.GREEN_TARGET_GROUP_ARN)) {
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
    List<ServiceGateway.ServiceDeployment> underWay = List.of();
    List<String> unreadable = new ArrayList<>();
    if (cluster.isPresent() && serviceName.isPresent()) {
      try {
        underWay =
            aws
                .services()
                .serviceDeployments(
                    cluster.get(), serviceName.get(), now.minus(java.time.Duration.ofDays(1)))
                .stream()
                .filter(d -> UNDER_WAY.contains(d.status()))
                .toList();
      } catch (gifmachine.cli.aws.AwsCallException e) {
        // Said, not fatal: the stacks and the service are what status is for.
        unreadable.add("ECS deployments of " + serviceName.get() + ": " + e.getMessage());
      }
    }
    Optional<Pipeline> pipeline =
        deployed
            .output(StackPart.PIPELINE, StackOutputs.PIPELINE_NAME)
            .map(name -> pipeline(aws, name));
    return new StatusReport(
        config.deploymentName(),
        config.region(),
        stacks,
        service,
        targets,
        urls,
        pipeline,
        underWay,
        unreadable);
  }

  private static Pipeline pipeline(Aws aws, String name) {
    try {
      List<Execution> executions =
          aws.pipelines().executions(name, EXECUTIONS).stream()
              .map(
                  e ->
                      new Execution(
                          e.id(),
                          e.status(),
                          e.sources().stream()
                              .map(r -> r.summary().isBlank() ? r.revisionId() : r.summary())
                              .filter(v -> !v.isBlank())
                              .findFirst()
                              .orElse(""),
                          e.started().toString(),
                          e.updated().toString(),
                          e.summary()))
              .toList();
      return new Pipeline(name, executions, "");
    } catch (gifmachine.cli.aws.AwsCallException e) {
      // The stacks and the service are what status is for; the pipeline is said, not fatal.
      return new Pipeline(name, List.of(), e.getMessage());
    }
  }
}
