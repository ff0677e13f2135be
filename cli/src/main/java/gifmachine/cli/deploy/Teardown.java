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
 * images, every object version in the pipeline buckets), deletes the stacks in reverse
 * dependency order, deletes the API password secret (7-day recovery window, or at once with
 * force) and the log groups the stacks retained, then asks the tagging API what still carries
 * the deployment tag. Every step treats "already gone" as done, so running it twice is harmless.
 */
public final class Teardown {

  /** What {@code down} did and what it found left over. */
  public record Report(
      List<StackResult> stacks, int imagesDeleted, int objectsDeleted, List<String> logGroupsDeleted,
      boolean secretDeleted, List<String> leftovers) {}

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
      for (String uri : List.of(repositories.get().gifmachine(), repositories.get().csidecar(), repositories.get().cdepot(),
          repositories.get().prometheus(), repositories.get().grafana())) {
        if (!uri.isBlank()) {
          String repository = uri.substring(uri.indexOf('/') + 1);
          images += Preflight.guard("deleting images in " + repository, () -> aws.registry().deleteAllImages(repository));
        }
      }
    }
    int objects = 0;
    for (String output : List.of(StackOutputs.SOURCE_BUCKET_NAME, StackOutputs.ARTIFACT_BUCKET_NAME)) {
      Optional<String> bucket = deployed.output(StackPart.PIPELINE, output);
      if (bucket.isPresent()) {
        step("emptying bucket " + bucket.get());
        objects += Preflight.guard("emptying bucket " + bucket.get(), () -> aws.buckets().empty(bucket.get()));
      }
    }
    Set<String> logGroups = new LinkedHashSet<>();
    deployed.output(StackPart.GIFMACHINE, StackOutputs.LOG_GROUP_NAME).ifPresent(logGroups::add);

    List<StackResult> results = engine.delete(withEdgeStacksOfOtherOptions(config, stacks, deployed));

    step(force ? "deleting secret " + config.apiPasswordSecretName() + " now"
        : "scheduling secret " + config.apiPasswordSecretName() + " for deletion in 7 days");
    Preflight.guardRun("deleting secret", () -> aws.secrets().delete(config.apiPasswordSecretName(), force));

    List<String> tagged = Preflight.guard("listing tagged resources",
        () -> aws.tagging().resourcesTagged(DeploymentConfig.DEPLOYMENT_TAG, config.deploymentName()));
    tagged.stream().map(Teardown::logGroupName).flatMap(Optional::stream).forEach(logGroups::add);
    List<String> deletedGroups = new ArrayList<>();
    for (String group : logGroups) {
      step("deleting log group " + group);
      Preflight.guardRun("deleting log group " + group, () -> aws.logs().deleteLogGroup(group));
      deletedGroups.add(group);
    }
    List<String> leftovers = Preflight.guard("listing tagged resources",
        () -> aws.tagging().resourcesTagged(DeploymentConfig.DEPLOYMENT_TAG, config.deploymentName()));
    return new Report(results, images, objects, deletedGroups, true, leftovers);
  }

  /**
   * The edge and firewall stacks exist only with some options (the CloudFront edge, --waf): one
   * deployed with options that {@code down} was not given is deleted too, the edge stack before
   * the load balancer it imports.
   */
  static List<StackNode> withEdgeStacksOfOtherOptions(DeploymentConfig config, List<StackNode> stacks, Stacks deployed) {
    List<StackNode> all = new ArrayList<>(stacks);
    Set<String> named = new LinkedHashSet<>();
    stacks.forEach(s -> named.add(s.stackName()));
    for (StackPart part : List.of(StackPart.FIREWALL, StackPart.EDGE)) {
      String name = config.stackName(part);
      if (!named.contains(name) && deployed.stack(part).isPresent()) {
        all.add(StackNode.named(name, part == StackPart.EDGE
            ? List.of(config.stackName(StackPart.GIFMACHINE)) : List.of()));
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
