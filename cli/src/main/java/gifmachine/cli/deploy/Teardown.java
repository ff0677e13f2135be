package gifmachine.cli.deploy;

import gifmachine.cli.aws.Aws;
import gifmachine.infra.DeploymentConfig;
import gifmachine.infra.ImageSet;
import gifmachine.infra.StackOutputs;
import gifmachine.infra.StackPart;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What {@code down} does: empties what CloudFormation cannot delete while it holds data (ECR
 * images, every object version in the pipeline buckets), deletes the stacks in reverse dependency
 * order, deletes the API password secret (7-day recovery window, or at once with force), the log
 * groups the stacks retained and the task definition revisions of our families (CloudFormation only
 * deregisters the revision a stack last had; older ones stay ACTIVE), then asks the tagging API
 * what still carries the deployment tag. The final database snapshot is kept by design; anything
 * else left is reported as left over. Every step treats "already gone" as done, so running it twice
 * is harmless.
 */
public final class Teardown {

  /** What {@code down} did and what it found left over. */
  public record Report(
      List<StackResult> stacks,
      int imagesDeleted,
      int objectsDeleted,
      List<String> logGroupsDeleted,
      boolean secretDeleted,
      int taskDefinitionsDeleted,
      List<String> snapshots,
      List<String> leftovers) {}

  /**
   * Task definition families of the stacks (GifmachineStack, MonitoringStack): {@code
   * <deployment>-<suffix>}.
   */
  static final List<String> TASK_FAMILIES =
      List.of("gifmachine", "monitoring", "prometheus", "grafana");

  private final Aws aws;
  private final StackDeployer engine;
  private final ProgressListener progress;
  private final Pacer pacer;

  public Teardown(Aws aws, StackDeployer engine, ProgressListener progress, Pacer pacer) {
    this.aws = aws;
    this.engine = engine;
    this.progress = progress;
    this.pacer = pacer;
  }

  public Report down(DeploymentConfig config, List<StackNode> stacks, boolean force) {
    Stacks deployed = Stacks.read(aws, config);

    int images = 0;
    Optional<ImageSet> repositories = deployed.repositories();
    if (repositories.isPresent()) {
      step("deleting images in ECR");
      for (String uri : repositories.get().references().values()) {
        if (!uri.isBlank()) {
          String repository = uri.substring(uri.indexOf('/') + 1);
          images +=
              Preflight.guard(
                  "deleting images in " + repository,
                  () -> aws.registry().deleteAllImages(repository));
        }
      }
    }
    int objects = 0;
    List<Optional<String>> buckets =
        List.of(
            deployed.output(StackPart.PIPELINE, StackOutputs.SOURCE_BUCKET_NAME),
            deployed.output(StackPart.PIPELINE, StackOutputs.ARTIFACT_BUCKET_NAME),
            // The validation hook's jars, uploaded by up.
            deployed.output(StackPart.REGISTRY, StackOutputs.DEPLOYMENT_ARTIFACTS_BUCKET));
    for (Optional<String> bucket : buckets) {
      if (bucket.isPresent()) {
        step("emptying bucket " + bucket.get());
        objects +=
            Preflight.guard(
                "emptying bucket " + bucket.get(), () -> aws.buckets().empty(bucket.get()));
      }
    }
    Set<String> logGroups = new LinkedHashSet<>();
    deployed.output(StackPart.GIFMACHINE, StackOutputs.LOG_GROUP_NAME).ifPresent(logGroups::add);

    List<StackResult> results =
        engine.delete(
            withSwitchedOff(
                config, withEdgeStacksOfOtherOptions(config, stacks, deployed), deployed));

    step(
        force
            ? "deleting secret " + config.apiPasswordSecretName() + " now"
            : "scheduling secret " + config.apiPasswordSecretName() + " for deletion in 7 days");
    Preflight.guardRun(
        "deleting secret", () -> aws.secrets().delete(config.apiPasswordSecretName(), force));

    List<String> tagged =
        Preflight.guard(
            "listing tagged resources",
            () ->
                aws.tagging()
                    .resourcesTagged(DeploymentConfig.DEPLOYMENT_TAG, config.deploymentName()));
    tagged.stream().map(Teardown::logGroupName).flatMap(Optional::stream).forEach(logGroups::add);
    List<String> deletedGroups = new ArrayList<>();
    for (String group : logGroups) {
      step("deleting log group " + group);
      Preflight.guardRun("deleting log group " + group, () -> aws.logs().deleteLogGroup(group));
      deletedGroups.add(group);
    }
    Set<String> deletedRevisions = deleteTaskDefinitions(config);
    List<String> remaining =
        Preflight.guard(
            "listing tagged resources",
            () ->
                aws.tagging()
                    .resourcesTagged(DeploymentConfig.DEPLOYMENT_TAG, config.deploymentName()));
    List<String> snapshots = remaining.stream().filter(Teardown::isDatabaseSnapshot).toList();
    // A deleted revision is DELETE_IN_PROGRESS until no task uses it; it is gone, not left.
    // The API password secret, when not deleted with force, waits out its recovery window by
    // design.
    List<String> leftovers =
        remaining.stream()
            .filter(arn -> !isDatabaseSnapshot(arn))
            .filter(
                arn -> force || !arn.contains(":secret:" + config.apiPasswordSecretName() + "-"))
            .filter(arn -> !deletedRevisions.contains(arn))
            .toList();
    return new Report(
        results,
        images,
        objects,
        deletedGroups,
        true,
        deletedRevisions.size(),
        snapshots,
        leftovers);
  }

  /**
   * Deregisters every ACTIVE revision of our families, then deletes every INACTIVE one
   * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/delete-task-definition-revisions.html).
   * Returns the ARNs deleted; one ECS refuses stays INACTIVE and shows up as left over.
   */
  private Set<String> deleteTaskDefinitions(DeploymentConfig config) {
    Set<String> deleted = new LinkedHashSet<>();
    for (String suffix : TASK_FAMILIES) {
      String family = config.deploymentName() + "-" + suffix;
      List<String> active =
          Preflight.guard(
              "listing task definitions of " + family,
              () -> aws.services().taskDefinitions(family, true));
      if (!active.isEmpty()) {
        step("deregistering " + active.size() + " task definition revision(s) of " + family);
      }
      for (String arn : active) {
        Preflight.guardRun(
            "deregistering " + arn, () -> aws.services().deregisterTaskDefinition(arn));
      }
      List<String> inactive =
          Preflight.guard(
              "listing task definitions of " + family,
              () -> aws.services().taskDefinitions(family, false));
      if (inactive.isEmpty()) {
        continue;
      }
      step("deleting " + inactive.size() + " task definition revision(s) of " + family);
      java.util.Map<String, String> refused =
          Preflight.guard(
              "deleting task definitions of " + family,
              () -> aws.services().deleteTaskDefinitions(inactive));
      inactive.stream().filter(arn -> !refused.containsKey(arn)).forEach(deleted::add);
    }
    return deleted;
  }

  /** The final snapshot RDS takes on deletion (the DB stack's snapshot removal policy). */
  static boolean isDatabaseSnapshot(String arn) {
    return arn.startsWith("arn:") && arn.contains(":rds:") && arn.contains(":snapshot:");
  }

  /**
   * The stacks to delete plus any deployed part the configuration no longer has (monitoring
   * switched off by hand, say). Such a part only imports from the others, so it goes first.
   */
  private static List<StackNode> withSwitchedOff(
      DeploymentConfig config, List<StackNode> stacks, Stacks deployed) {
    List<String> listed = stacks.stream().map(StackNode::stackName).toList();
    List<StackNode> all = new ArrayList<>(stacks);
    for (StackPart part : deployed.all().keySet()) {
      if (!listed.contains(config.stackName(part))) {
        all.add(StackNode.named(config.stackName(part), listed));
      }
    }
    return all;
  }

  /**
   * The edge and firewall stacks exist only with some options (the CloudFront edge, --waf): one
   * deployed with options that {@code down} was not given is deleted too, the edge stack before the
   * load balancer it imports.
   */
  static List<StackNode> withEdgeStacksOfOtherOptions(
      DeploymentConfig config, List<StackNode> stacks, Stacks deployed) {
    List<StackNode> all = new ArrayList<>(stacks);
    Set<String> named = new LinkedHashSet<>();
    stacks.forEach(s -> named.add(s.stackName()));
    for (StackPart part : List.of(StackPart.FIREWALL, StackPart.EDGE)) {
      String name = config.stackName(part);
      if (!named.contains(name) && deployed.stack(part).isPresent()) {
        all.add(
            StackNode.named(
                name,
                part == StackPart.EDGE
                    ? List.of(config.stackName(StackPart.GIFMACHINE))
                    : List.of()));
      }
    }
    return all;
  }

  /** {@code arn:aws:logs:eu-west-1:123:log-group:NAME[:*]} to NAME. */
  static Optional<String> logGroupName(String arn) {
    String marker = ":log-group:";
    int at = arn.indexOf(marker);
    if (!arn.startsWith("arn:") || at < 0) {
      return Optional.empty();
    }
    String name = arn.substring(at + marker.length());
    return Optional.of(name.endsWith(":*") ? name.substring(0, name.length() - 2) : name);
  }

  private void step(String description) {
    progress.on(new ProgressEvent.Step(description, pacer.now()));
  }
}
