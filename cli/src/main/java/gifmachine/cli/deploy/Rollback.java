package gifmachine.cli.deploy;

import gifmachine.cli.aws.Aws;
import gifmachine.cli.aws.ServiceGateway;
import gifmachine.cli.aws.ServiceGateway.ServiceDeployment;
import gifmachine.cli.aws.StackDescription;
import gifmachine.cli.aws.StackStatus;
import gifmachine.cli.deploy.DeploymentException.Exit;
import gifmachine.infra.DeploymentConfig;
import gifmachine.infra.ImageName;
import gifmachine.infra.ImageSet;
import gifmachine.infra.RegistryStack;
import gifmachine.infra.StackOutputs;
import gifmachine.infra.StackPart;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What {@code rollback} does. With a deployment in progress it stops it and lets AWS put the
 * previous state back; with none, it deploys the previous release's images through {@link
 * Deployment#redeploy}, the same path as {@code up}.
 *
 * <p>Which call stops what, and why (the service uses ECS's blue/green strategy, and
 * CloudFormation's update of the service waits for ECS's deployment):
 *
 * <ul>
 *   <li>An ECS service deployment PENDING or IN_PROGRESS: StopServiceDeployment with stop type
 *       ROLLBACK
 *       (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stop-service-deployment.html).
 *       ECS returns the service to the revision the deployment started from; until the production
 *       traffic shift, and through the bake time, blue's tasks still run, so production is back on
 *       them at once. CloudFormation's service update then fails (the deployment it waits for ended
 *       ROLLBACK_SUCCESSFUL) and CloudFormation rolls the stack back to the template whose task
 *       definition ECS now runs: the stack and the service agree, with no second deployment. We do
 *       not cancel that stack's update: CancelUpdateStack would make CloudFormation's rollback send
 *       UpdateService with the old task definition while ECS's deployment is still running, a
 *       second deployment that starts new tasks of the old revision (ECS reconciles several ACTIVE
 *       revisions, RECONCILE_SERVICE in
 *       https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceDeployment.html)
 *       instead of keeping blue's.
 *   <li>A stack UPDATE_IN_PROGRESS with no ECS deployment under way (any other stack, or the
 *       Gifmachine stack before it reaches the service): CancelUpdateStack, and CloudFormation
 *       rolls it back to the configuration it had
 *       (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-cfn--stack-update-cancel.html).
 *   <li>Anything else in progress (already rolling back, cleaning up, creating, deleting): cannot
 *       be cancelled; it is waited for.
 * </ul>
 */
public final class Rollback {

  /**
   * ECS deployment statuses StopServiceDeployment turns into a rollback; the rest are rolling back
   * or stopping already.
   */
  static final Set<String> STOPPABLE = Set.of("PENDING", "IN_PROGRESS");

  /** How a rollback ended. */
  public sealed interface Outcome {}

  /**
   * A deployment in progress was stopped and rolled back.
   *
   * @param actions what was asked of AWS, in order, e.g. {@code ECS deployment 1a2b: rollback
   *     requested}
   * @param stacks how each stack that was in progress settled
   * @param serving the images the service's tasks run now, by container
   */
  public record Stopped(List<String> actions, List<StackResult> stacks, Map<String, String> serving)
      implements Outcome {}

  /**
   * The previous release was deployed again.
   *
   * @param to the release gone back to
   * @param from the images that ran before
   */
  public record Redeployed(ReleaseHistory.Release to, ImageSet from, Deployment.Result result)
      implements Outcome {}

  private final Aws aws;
  private final Deployment deployment;
  private final StackDeployer engine;
  private final ProgressListener progress;
  private final Pacer pacer;

  public Rollback(
      Aws aws,
      Deployment deployment,
      StackDeployer engine,
      ProgressListener progress,
      Pacer pacer) {
    this.aws = aws;
    this.deployment = deployment;
    this.engine = engine;
    this.progress = progress;
    this.pacer = pacer;
  }

  /** Stops what is in progress, or goes back to the previous release. */
  public Outcome rollback(Deployment.Request request) {
    DeploymentConfig config = request.config();
    step("looking for a deployment in progress");
    Stacks deployed = Stacks.read(aws, config);
    String gifmachineStack = config.stackName(StackPart.GIFMACHINE);
    if (deployed.stack(StackPart.GIFMACHINE).isEmpty()) {
      throw new DeploymentException(
          Exit.FAILED,
          "rollback: "
              + config.deploymentName()
              + " has nothing to roll back: stack "
              + gifmachineStack
              + " does not exist",
          "deploy it first: gifmachine-on-aws up");
    }
    List<ServiceDeployment> ongoing =
        serviceName(deployed)
            .map(
                s ->
                    Preflight.guard(
                        "listing the service's deployments in progress",
                        () -> aws.services().ongoingServiceDeployments(s.cluster(), s.service())))
            .orElse(List.of());
    List<StackDescription> moving =
        deployed.all().values().stream().filter(s -> StackStatus.inProgress(s.status())).toList();
    if (!ongoing.isEmpty() || !moving.isEmpty()) {
      return stop(config, deployed, ongoing, moving);
    }
    return redeployPrevious(request, deployed);
  }

  private Outcome stop(
      DeploymentConfig config,
      Stacks deployed,
      List<ServiceDeployment> ongoing,
      List<StackDescription> moving) {
    List<String> actions = new ArrayList<>();
    for (ServiceDeployment d : ongoing) {
      String id = d.arn().substring(d.arn().lastIndexOf('/') + 1);
      if (STOPPABLE.contains(d.status())) {
        Preflight.guardRun(
            "stopping ECS deployment " + id,
            () -> aws.services().rollBackServiceDeployment(d.arn()));
        actions.add(
            "ECS deployment "
                + id
                + " ("
                + d.status()
                + (d.lifecycleStage().isBlank() ? "" : ", " + d.lifecycleStage())
                + "): rollback requested");
      } else {
        actions.add("ECS deployment " + id + ": already " + d.status() + ", waited for");
      }
      step(actions.getLast());
    }
    String gifmachineStack = config.stackName(StackPart.GIFMACHINE);
    for (StackDescription stack : moving) {
      String action;
      if (stack.status().equals("UPDATE_IN_PROGRESS")
          && !(stack.name().equals(gifmachineStack) && !ongoing.isEmpty())) {
        Preflight.guardRun(
            "cancelling the update of " + stack.name(),
            () -> aws.cloudFormation().cancelUpdateStack(stack.name()));
        action = "stack " + stack.name() + ": update cancelled, CloudFormation rolls it back";
      } else if (stack.status().equals("UPDATE_IN_PROGRESS")) {
        action =
            "stack "
                + stack.name()
                + ": its update fails with the ECS deployment, CloudFormation rolls it back";
      } else {
        action =
            "stack " + stack.name() + ": " + stack.status() + " cannot be cancelled, waited for";
      }
      actions.add(action);
      step(action);
    }
    List<String> names = new ArrayList<>(moving.stream().map(StackDescription::name).toList());
    if (!ongoing.isEmpty() && !names.contains(gifmachineStack)) {
      names.add(gifmachineStack);
    }
    StackProbe follower =
        serviceName(deployed)
            .<StackProbe>map(
                s ->
                    new ServiceDeploymentFollower(
                        aws.services(),
                        gifmachineStack,
                        s.cluster(),
                        s.service(),
                        ongoing.isEmpty() ? pacer.now() : ongoing.getFirst().createdAt(),
                        progress,
                        pacer))
            .orElse(StackProbe.NONE);
    List<StackResult> stacks = engine.await(names, follower);
    // Only a stack that was updating can have finished its update; the Gifmachine stack added
    // for an ECS deployment started outside CloudFormation was never in progress.
    Set<String> wereUpdating = Set.copyOf(moving.stream().map(StackDescription::name).toList());
    Optional<StackResult> finished =
        stacks.stream()
            .filter(
                r ->
                    wereUpdating.contains(r.stackName())
                        && r.outcome() == StackResult.Outcome.UPDATED
                        && r.status().startsWith("UPDATE"))
            .findFirst();
    Optional<StackResult> failed = stacks.stream().filter(r -> r.outcome().isFailure()).findFirst();
    if (failed.isPresent()) {
      StackResult f = failed.get();
      throw new DeploymentException(
          f.outcome() == StackResult.Outcome.INTERRUPTED ? Exit.INTERRUPTED : Exit.FAILED,
          "rollback: stack "
              + f.stackName()
              + " ended "
              + f.status()
              + (f.failure().isBlank() ? "" : ": " + f.failure()),
          f.status().equals("UPDATE_ROLLBACK_FAILED")
              ? "CloudFormation could not roll it back: fix the resource named above, then aws cloudformation"
                  + " continue-update-rollback --stack-name "
                  + f.stackName()
                  + ", and run rollback again"
              : "look at the stack's events in the CloudFormation console, then run rollback again");
    }
    Stacks after = Stacks.read(aws, config);
    deployment.waitForService(after);
    Map<String, String> serving = serving(after);
    if (finished.isPresent()) {
      // The update got past the point where it could be stopped (the cleanup phase): it is the
      // release now, and going back is a redeploy of the previous one.
      throw new DeploymentException(
          Exit.FAILED,
          "rollback: stack "
              + finished.get().stackName()
              + " finished its update ("
              + finished.get().status()
              + ") before it could be stopped",
          "run gifmachine-on-aws rollback again: with nothing in progress it deploys the previous release");
    }
    return new Stopped(actions, stacks, serving);
  }

  private Outcome redeployPrevious(Deployment.Request request, Stacks deployed) {
    DeploymentConfig config = request.config();
    Optional<String> bucket =
        deployed.output(StackPart.REGISTRY, StackOutputs.DEPLOYMENT_ARTIFACTS_BUCKET);
    if (bucket.isEmpty()) {
      throw new DeploymentException(
          Exit.FAILED,
          "rollback: no release history: stack "
              + config.stackName(StackPart.REGISTRY)
              + " has no artifacts bucket (deployed by an older version)",
          "run gifmachine-on-aws up once; rollback can go back to releases deployed from then on");
    }
    ReleaseHistory history = new ReleaseHistory(aws.buckets(), bucket.get());
    List<ReleaseHistory.Release> releases =
        Preflight.guard("reading the release history", history::releases);
    ImageSet running = RunningImages.read(aws, config, deployed);
    if (running.get(ImageName.GIFMACHINE).isBlank()) {
      throw new DeploymentException(
          Exit.FAILED,
          "rollback: cannot tell which release runs: the template of "
              + config.stackName(StackPart.GIFMACHINE)
              + " names no image of the Gifmachine repository",
          "run gifmachine-on-aws up to deploy the current sources");
    }
    ReleaseHistory.Release previous =
        ReleaseHistory.previous(releases, running)
            .orElseThrow(
                () ->
                    new DeploymentException(
                        Exit.FAILED,
                        "rollback: no previous release to go back to: "
                            + history.location()
                            + " holds "
                            + releases.size()
                            + " release(s), none before the one running ("
                            + digest(running.get(ImageName.GIFMACHINE))
                            + ")",
                        "rollback goes back only to releases up deployed; to deploy older sources, check them out and run"
                            + " gifmachine-on-aws up"));
    List<String> expired = expired(previous.images(), config);
    if (!expired.isEmpty()) {
      throw new DeploymentException(
          Exit.FAILED,
          "rollback: the previous release ("
              + previous.releasedAt()
              + (previous.source().isBlank() ? "" : ", " + previous.source())
              + ") cannot be deployed: ECR no longer has "
              + String.join(", ", expired)
              + " (the lifecycle policy keeps the newest "
              + RegistryStack.KEPT_IMAGES
              + " images of each repository)",
          "check out that release's sources"
              + (previous.source().isBlank() ? "" : " (" + previous.source() + ")")
              + " and run gifmachine-on-aws up: it builds and pushes them again");
    }
    step(
        "going back to the release of "
            + previous.releasedAt()
            + (previous.source().isBlank() ? "" : " (" + previous.source() + ")")
            + ": gifmachine "
            + digest(previous.images().get(ImageName.GIFMACHINE)));
    Deployment.Result result =
        deployment.redeploy(
            Deployment.Request.of(config, request.method(), request.password())
                .withSource(
                    "rollback to the release of "
                        + previous.releasedAt()
                        + (previous.source().isBlank() ? "" : " (" + previous.source() + ")")),
            previous.images());
    return new Redeployed(previous, running, result);
  }

  /** The release's images the configuration deploys that ECR no longer holds. */
  private List<String> expired(ImageSet images, DeploymentConfig config) {
    List<String> needed =
        new ArrayList<>(List.of(images.get(ImageName.GIFMACHINE), images.get(ImageName.CSIDECAR)));
    if (config.monitoring()) {
      needed.addAll(
          List.of(
              images.get(ImageName.CDEPOT),
              images.get(ImageName.PROMETHEUS),
              images.get(ImageName.GRAFANA)));
    }
    List<String> gone = new ArrayList<>();
    for (String image : needed) {
      int slash = image.indexOf('/');
      int at = image.indexOf("@sha256:");
      if (slash < 0 || at < slash) {
        gone.add(image + " (not a digest reference)");
        continue;
      }
      String repository = image.substring(slash + 1, at);
      String digest = image.substring(at + 1);
      if (!Preflight.guard(
          "looking for image " + repository + "@" + digest,
          () -> aws.registry().imageExists(repository, digest))) {
        gone.add(repository + "@" + digest);
      }
    }
    return gone;
  }

  /** {@code sha256:} and the first 12 hex digits of an image reference's digest. */
  public static String digest(String image) {
    int at = image.indexOf("@sha256:");
    return at < 0
        ? image
        : image.substring(at + 1, Math.min(image.length(), at + 1 + "sha256:".length() + 12));
  }

  private record ServiceName(String cluster, String service) {}

  private static Optional<ServiceName> serviceName(Stacks deployed) {
    Optional<String> cluster = deployed.output(StackPart.GIFMACHINE, StackOutputs.CLUSTER_NAME);
    Optional<String> service = deployed.output(StackPart.GIFMACHINE, StackOutputs.SERVICE_NAME);
    return cluster.isPresent() && service.isPresent()
        ? Optional.of(new ServiceName(cluster.get(), service.get()))
        : Optional.empty();
  }

  private Map<String, String> serving(Stacks after) {
    Optional<ServiceName> name = serviceName(after);
    if (name.isEmpty()) {
      return Map.of();
    }
    Optional<ServiceGateway.ServiceInfo> info =
        Preflight.guard(
            "describing the service",
            () -> aws.services().describeService(name.get().cluster(), name.get().service()));
    return info.filter(i -> !i.taskDefinition().isBlank())
        .map(
            i ->
                Preflight.guard(
                    "reading task definition " + i.taskDefinition(),
                    () -> aws.services().containerImages(i.taskDefinition())))
        .orElse(Map.of());
  }

  private void step(String description) {
    progress.on(new ProgressEvent.Step(description, pacer.now()));
  }
}
