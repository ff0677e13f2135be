package gifmachine.cli.deploy;

import gifmachine.cli.aws.AccountGateway;
import gifmachine.cli.aws.Aws;
import gifmachine.cli.aws.RegistryGateway;
import gifmachine.cli.aws.SecretsGateway;
import gifmachine.cli.aws.ServiceGateway;
import gifmachine.cli.deploy.DeploymentException.Exit;
import gifmachine.cli.deploy.StackDeployer.Method;
import gifmachine.infra.DeploymentConfig;
import gifmachine.infra.ExecutionRoleStack;
import gifmachine.infra.ImageSet;
import gifmachine.infra.Rollout;
import gifmachine.infra.StackOutputs;
import gifmachine.infra.StackPart;
import gifmachine.infra.SynthesizedApp;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What {@code up} does, in order: pre-flight checks, the API password secret, the registry stack,
 * images built and pushed to it, which target group production traffic reaches now (read from the
 * production listener rule), every other stack synthesized with those digests and that target group
 * live, stacks of parts switched off deleted first, then the rest deployed in dependency order
 * while ECS's blue/green deployment of the service is shown, waiting for the service to be stable,
 * and the smoke test.
 *
 * <p>There is no rollout of our own: the service uses ECS's own deployment controller, so a stack
 * update that changes the task definition (any image, environment, size) is an ECS blue/green
 * deployment that CloudFormation starts and waits for.
 */
public final class Deployment {

  /** The API password, and whether it was generated here (then printed once). */
  public record Password(String value, boolean generated) {
    @Override
    public String toString() {
      return "Password[generated=" + generated + "]";
    }
  }

  /**
   * @param config the deployment (its images are ignored: up builds them)
   * @param monitoringOnly {@code up monitoring}: the registry and monitoring stacks only
   * @param password asked only when the secret does not exist yet
   * @param source where the release comes from (e.g. {@code commit 1a2b3c4}), for the release
   *     history
   * @param kept what this up asks to change of what the first up chose (NAT image, database)
   */
  public record Request(
      DeploymentConfig config,
      Method method,
      boolean monitoringOnly,
      Supplier<Password> password,
      String source,
      KeptChoices.Requests kept) {

    /**
     * A whole deployment of {@code config} by {@code method} that keeps everything the first up
     * chose and names no source: {@code Request.of(config, Method.DIRECT, password).withSource(
     * "commit 1a2b3c4")}.
     */
    public static Request of(DeploymentConfig config, Method method, Supplier<Password> password) {
      return new Request(config, method, false, password, "", KeptChoices.Requests.NONE);
    }

    /** This request for the registry and monitoring stacks only ({@code up monitoring}). */
    public Request withMonitoringOnly(boolean monitoringOnly) {
      return new Request(config, method, monitoringOnly, password, source, kept);
    }

    /** This request with where the release comes from, for the release history. */
    public Request withSource(String source) {
      return new Request(config, method, monitoringOnly, password, source, kept);
    }

    /** This request asking to change {@code kept} of what the first up chose. */
    public Request withKept(KeptChoices.Requests kept) {
      return new Request(config, method, monitoringOnly, password, source, kept);
    }
  }

  /** What {@code up} prints at the end. */
  public record Result(
      List<StackResult> stacks,
      boolean changed,
      Optional<Password> newPassword,
      String apiPasswordSecretArn,
      Optional<String> gifmachineUrl,
      Optional<String> grafanaUrl,
      Optional<String> grafanaSecretArn,
      List<ServiceGateway.ServiceDeployment> serviceDeployments,
      Optional<SmokeCheck.Outcome> smoke,
      boolean monitoringCreated) {}

  private final Aws aws;
  private final StackDeployer engine;
  private final Function<DeploymentConfig, SynthesizedApp> synthesizer;
  private final ImagePublishing images;
  private final SmokeCheck smoke;
  private final ProgressListener progress;
  private final Pacer pacer;
  private final Cancellation cancellation;
  private final Duration serviceTimeout;

  public Deployment(
      Aws aws,
      StackDeployer engine,
      Function<DeploymentConfig, SynthesizedApp> synthesizer,
      ImagePublishing images,
      SmokeCheck smoke,
      ProgressListener progress,
      Pacer pacer,
      Cancellation cancellation,
      Duration serviceTimeout) {
    this.aws = aws;
    this.engine = engine;
    this.synthesizer = synthesizer;
    this.images = images;
    this.smoke = smoke;
    this.progress = progress;
    this.pacer = pacer;
    this.cancellation = cancellation;
    this.serviceTimeout = serviceTimeout;
  }

  /**
   * Uploads the validation hook's jar to the registry stack's artifacts bucket (once per content:
   * the key is its hash) and names it in the config, so the service stack gets the hook. A registry
   * stack from before the bucket existed gives no hook.
   */
  private DeploymentConfig withValidationHook(DeploymentConfig config, Stacks deployed) {
    Optional<String> bucket = artifactsBucket(deployed);
    if (bucket.isEmpty()) {
      return config;
    }
    HookJar jar = HookJar.fromClasspath();
    boolean uploaded =
        Preflight.guard(
            "uploading the validation hook",
            () -> aws.buckets().putIfAbsent(bucket.get(), jar.key(), jar.bytes()));
    step(
        uploaded
            ? "validation hook uploaded: s3://" + bucket.get() + "/" + jar.key()
            : "validation hook unchanged: " + jar.key());
    return Configs.withHookCode(config, jar.key());
  }

  /**
   * The config naming the validation hook's jar as {@code up} would (same content-hash key),
   * without uploading it: {@code plan} compares against what {@code up} deploys, hook included.
   */
  public static DeploymentConfig withPlannedValidationHook(
      DeploymentConfig config, Stacks deployed) {
    return artifactsBucket(deployed).isEmpty()
        ? config
        : Configs.withHookCode(config, HookJar.fromClasspath().key());
  }

  private static Optional<String> artifactsBucket(Stacks deployed) {
    return deployed.output(StackPart.REGISTRY, StackOutputs.DEPLOYMENT_ARTIFACTS_BUCKET);
  }

  /** Builds and pushes the images, then deploys them: {@code up}. */
  public Result up(Request request) {
    return run(
        request,
        (repositories, login) -> {
          step("building and pushing images");
          return images.publish(repositories, login, request.config().graviton(), progress);
        },
        false);
  }

  /**
   * Deploys the given images exactly as {@code up} deploys what it built (same stacks, same order,
   * same waiting and smoke test): {@code rollback} going back to an earlier release. The caller has
   * checked that ECR still holds them.
   */
  public Result redeploy(Request request, ImageSet release) {
    return run(
        request,
        (repositories, login) -> {
          step("deploying the images of an earlier release (nothing built)");
          return release;
        },
        true);
  }

  /** Where the images of a run come from: built and pushed, or an earlier release's. */
  @FunctionalInterface
  private interface ImageSource {
    ImageSet images(ImageSet repositories, RegistryGateway.Login login) throws Exception;
  }

  private Result run(Request request, ImageSource source, boolean rollback) {
    DeploymentConfig requested = request.config();
    List<String> names =
        java.util.Arrays.stream(StackPart.values()).map(requested::stackName).toList();
    step("pre-flight checks");
    AccountGateway.Identity identity = Preflight.check(aws, requested, names);
    DeploymentConfig config = Configs.withAccount(requested, identity.account());
    step("account " + identity.account() + " as " + identity.arn() + ", region " + config.region());
    config = EdgeLookups.withPrefixList(aws, config);
    config = KeptChoices.apply(aws, config, Stacks.read(aws, config), request.kept(), this::step);

    SecretResult secret = apiPassword(config, request.password());

    SynthesizedApp first = synthesize(Configs.withImages(config, Stacks.placeholderImages(config)));
    // The execution role first, with the caller's own rights (unchanged, it is a no-op that
    // needs no IAM rights; created or changed, it needs an administrator: iam-policy --bootstrap),
    // then CloudFormation deploys every other stack with that role.
    StackNode executionRole = StackNode.of(first.stack(StackPart.EXECUTION_ROLE).orElseThrow());
    List<StackResult> results =
        new java.util.ArrayList<>(deploy(List.of(executionRole), request.method()));
    String roleArn = ExecutionRoleStack.roleArn(config);
    StackNode registry =
        StackNode.of(first.stack(StackPart.REGISTRY).orElseThrow()).withRole(roleArn);
    List<StackNode> firstStacks = new java.util.ArrayList<>(List.of(registry));
    // The CloudFront web ACL's stack (us-east-1) goes first too: the edge stack needs its ARN.
    first
        .stack(StackPart.FIREWALL)
        .filter(f -> !request.monitoringOnly())
        .map(f -> StackNode.of(f).withRole(roleArn))
        .ifPresent(firstStacks::add);
    results.addAll(deploy(firstStacks, request.method()));

    Stacks deployed = Stacks.read(aws, config);
    config = EdgeLookups.withWebAcl(deployed, config);
    if (config.cloudFrontFirewall()
        && config.cloudFrontWebAclArn().isBlank()
        && !request.monitoringOnly()) {
      throw new DeploymentException(
          Exit.FAILED,
          "stack "
              + config.stackName(StackPart.FIREWALL)
              + " (us-east-1): has no "
              + StackOutputs.WEB_ACL_ARN
              + " output",
          "look at the stack in the CloudFormation console of us-east-1");
    }
    ImageSet repositories =
        deployed
            .repositories()
            .orElseThrow(
                () ->
                    new DeploymentException(
                        Exit.FAILED,
                        "stack " + registry.stackName() + ": has no repository outputs",
                        "look at the stack in the CloudFormation console"));
    RegistryGateway.Login login =
        Preflight.guard("getting ECR credentials", () -> aws.registry().login());
    ImageSet built;
    try {
      built = source.images(repositories, login);
    } catch (DeploymentException e) {
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeploymentException(
          Exit.INTERRUPTED, "images: interrupted while pushing", "run up again");
    } catch (Exception e) {
      throw new DeploymentException(
          Exit.FAILED,
          "pushing images: " + e.getMessage(),
          "run up again with --verbose for details",
          e);
    }

    DeploymentConfig hooked = withValidationHook(config, deployed);
    Rollout rollout = config.rollout().withLive(liveTargetGroup(deployed));
    SynthesizedApp app =
        synthesize(Configs.withRollout(Configs.withImages(hooked, built), rollout));
    if (!request.monitoringOnly()) {
      results.addAll(deleteSwitchedOff(config, app, deployed));
    }
    ImageSet runningBefore =
        request.monitoringOnly()
            ? ReleaseHistory.none()
            : RunningImages.read(aws, config, deployed);
    List<StackNode> rest =
        app.stacks().stream()
            .filter(
                s ->
                    s.part() != StackPart.REGISTRY
                        && s.part() != StackPart.FIREWALL
                        && s.part() != StackPart.EXECUTION_ROLE)
            .filter(s -> !request.monitoringOnly() || s.part() == StackPart.MONITORING)
            .map(s -> StackNode.of(s).withRole(roleArn))
            .toList();
    StackProbe follower = follower(config, deployed);
    ExportOrder.Phases phases = ExportOrder.split(rest, deployedTemplates(rest));
    if (!phases.second().isEmpty()) {
      step(
          "updating "
              + String.join(", ", phases.second().stream().map(StackNode::stackName).toList())
              + " last: other stacks still import exports it drops");
    }
    results.addAll(deploy(phases.first(), request.method(), follower));
    results.addAll(deploy(phases.second(), request.method(), follower));
    List<ServiceGateway.ServiceDeployment> followed =
        follower instanceof ServiceDeploymentFollower f ? f.seen() : List.of();

    Stacks after = Stacks.read(aws, config);
    boolean changed = results.stream().anyMatch(r -> r.outcome() != StackResult.Outcome.NO_CHANGES);

    Optional<SmokeCheck.Outcome> smokeOutcome = Optional.empty();
    Optional<String> url = after.gifmachineUrl();
    if (!request.monitoringOnly()) {
      waitForService(after);
      // Recorded before the smoke test: a release that fails it is deployed, and rollback must
      // be able to go back from it.
      recordRelease(
          after,
          new ReleaseHistory.Release(
              built, pacer.now(), request.source(), runningBefore, rollback));
      if (url.isPresent()) {
        smokeOutcome = Optional.of(smokeTest(URI.create(url.get()), secret.value()));
      }
    }
    return new Result(
        results,
        changed,
        secret.created() ? Optional.of(secret.password()) : Optional.empty(),
        secret.arn(),
        url,
        after.grafanaUrl(),
        after.output(StackPart.MONITORING, StackOutputs.GRAFANA_ADMIN_SECRET_ARN),
        followed,
        smokeOutcome,
        results.stream()
            .anyMatch(
                r ->
                    r.stackName().equals(requested.stackName(StackPart.MONITORING))
                        && r.outcome() == StackResult.Outcome.CREATED));
  }

  /**
   * Adds the release to the history when it is new (an {@code up} that changed nothing adds
   * nothing; a rollback always adds one, so the next rollback skips the release it left). A history
   * that cannot be written does not fail the deployment: it is said, with what it costs.
   */
  private void recordRelease(Stacks after, ReleaseHistory.Release release) {
    Optional<String> bucket = artifactsBucket(after);
    if (bucket.isEmpty()) {
      return;
    }
    ReleaseHistory history = new ReleaseHistory(aws.buckets(), bucket.get());
    try {
      Optional<ReleaseHistory.Release> latest = history.latest();
      if (!release.rollback()
          && latest.isPresent()
          && latest.get().images().equals(release.images())) {
        return;
      }
      history.record(release);
      step("release recorded in " + history.location());
    } catch (gifmachine.cli.aws.AwsCallException e) {
      step(
          "release history not written ("
              + e.getMessage()
              + "): rollback cannot come back to this release");
    }
  }

  private record SecretResult(String arn, String value, boolean created, Password password) {}

  /** Reuses the stored API password; only a first deployment asks for (or generates) one. */
  private SecretResult apiPassword(DeploymentConfig config, Supplier<Password> ask) {
    String name = config.apiPasswordSecretName();
    Optional<SecretsGateway.SecretInfo> existing =
        Preflight.guard("looking for secret " + name, () -> aws.secrets().describe(name));
    if (existing.isPresent()) {
      if (existing.get().scheduledForDeletion()) {
        step("restoring secret " + name + " (scheduled for deletion by an earlier down)");
        Preflight.guardRun("restoring secret " + name, () -> aws.secrets().restore(name));
      }
      String value = Preflight.guard("reading secret " + name, () -> aws.secrets().value(name));
      return new SecretResult(existing.get().arn(), value, false, new Password(value, false));
    }
    Password password = ask.get();
    step("storing the API password in Secrets Manager as " + name);
    String arn =
        Preflight.guard(
            "creating secret " + name,
            () -> aws.secrets().create(name, password.value(), config.tags()));
    return new SecretResult(arn, password.value(), true, password);
  }

  private SynthesizedApp synthesize(DeploymentConfig config) {
    step("synthesizing stacks");
    return synthesizer.apply(config);
  }

  private List<StackResult> deploy(List<StackNode> nodes, Method method) {
    return deploy(nodes, method, StackProbe.NONE);
  }

  private List<StackResult> deploy(List<StackNode> nodes, Method method, StackProbe probe) {
    return checked(engine.deploy(nodes, method, probe));
  }

  private List<StackResult> checked(List<StackResult> results) {
    Optional<StackResult> interrupted =
        results.stream().filter(r -> r.outcome() == StackResult.Outcome.INTERRUPTED).findFirst();
    if (interrupted.isPresent() || cancellation.isCancelled()) {
      throw new DeploymentException(
          Exit.INTERRUPTED,
          "interrupted: stopped waiting; CloudFormation carries on with " + inProgress(results),
          "run up again: it waits for stacks still in progress and continues from there");
    }
    Optional<StackResult> failed =
        results.stream()
            .filter(
                r ->
                    r.outcome() == StackResult.Outcome.FAILED
                        || r.outcome() == StackResult.Outcome.TIMED_OUT)
            .findFirst();
    if (failed.isPresent()) {
      StackResult f = failed.get();
      String hint =
          f.status().equals("ROLLBACK_COMPLETE")
              ? "fix the cause and run up again: the stack will be deleted and created afresh"
              : "fix the cause and run up again";
      throw new DeploymentException(
          Exit.FAILED, "stack " + f.stackName() + ": " + f.failure(), hint);
    }
    return results;
  }

  private static String inProgress(List<StackResult> results) {
    List<String> names =
        results.stream()
            .filter(r -> r.outcome() == StackResult.Outcome.INTERRUPTED)
            .map(r -> r.stackName() + (r.status().isEmpty() ? "" : " (" + r.status() + ")"))
            .toList();
    return names.isEmpty() ? "nothing" : String.join(", ", names);
  }

  private Rollout.TargetGroup liveTargetGroup(Stacks deployed) {
    Rollout.TargetGroup live = LiveTraffic.read(aws, deployed);
    step(
        "production traffic is on the "
            + live.name().toLowerCase(java.util.Locale.ROOT)
            + " target group");
    return live;
  }

  /**
   * Stacks of parts switched off (monitoring, pipeline), deleted before anything else changes: they
   * import the exports of the stacks {@code up} updates next, and CloudFormation refuses to change
   * or remove an export another stack imports
   * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/outputs-section-structure.html).
   */
  private List<StackResult> deleteSwitchedOff(
      DeploymentConfig config, SynthesizedApp app, Stacks deployed) {
    List<StackNode> off =
        deployed.all().keySet().stream()
            .filter(part -> part != StackPart.REGISTRY)
            .filter(part -> app.stack(part).isEmpty())
            .map(part -> StackNode.named(config.stackName(part), List.of()))
            .toList();
    if (off.isEmpty()) {
      return List.of();
    }
    step(
        "deleting the stacks of parts switched off: "
            + String.join(", ", off.stream().map(StackNode::stackName).toList()));
    return checked(engine.delete(off));
  }

  /** The deployed template of each stack that exists (one GetTemplate per stack). */
  private Map<String, String> deployedTemplates(List<StackNode> nodes) {
    Map<String, String> templates = new java.util.HashMap<>();
    for (StackNode node : nodes) {
      Preflight.guard(
              "reading template " + node.stackName(),
              () -> aws.cloudFormation().template(node.stackName()))
          .ifPresent(t -> templates.put(node.stackName(), t));
    }
    return templates;
  }

  /** Follows ECS's deployments of an existing service; a new service has none worth showing. */
  private StackProbe follower(DeploymentConfig config, Stacks deployed) {
    Optional<String> cluster = deployed.output(StackPart.GIFMACHINE, StackOutputs.CLUSTER_NAME);
    Optional<String> service = deployed.output(StackPart.GIFMACHINE, StackOutputs.SERVICE_NAME);
    if (cluster.isEmpty() || service.isEmpty()) {
      return StackProbe.NONE;
    }
    return new ServiceDeploymentFollower(
        aws.services(),
        config.stackName(StackPart.GIFMACHINE),
        cluster.get(),
        service.get(),
        pacer.now(),
        progress,
        pacer);
  }

  /** Waits until the ECS service is steady (running = desired, one deployment) or times out. */
  void waitForService(Stacks deployed) {
    Optional<String> cluster = deployed.output(StackPart.GIFMACHINE, StackOutputs.CLUSTER_NAME);
    Optional<String> service = deployed.output(StackPart.GIFMACHINE, StackOutputs.SERVICE_NAME);
    if (cluster.isEmpty() || service.isEmpty()) {
      return;
    }
    step("waiting for the ECS service to be stable");
    Instant deadline = pacer.now().plus(serviceTimeout);
    Backoff backoff =
        new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(10), new java.util.Random());
    while (true) {
      Optional<ServiceGateway.ServiceInfo> info =
          Preflight.guard(
              "describing the service",
              () -> aws.services().describeService(cluster.get(), service.get()));
      if (info.isPresent() && info.get().stable() && info.get().running() > 0) {
        return;
      }
      if (pacer.now().isAfter(deadline)) {
        String counts =
            info.map(i -> i.running() + " of " + i.desired() + " tasks running")
                .orElse("service not found");
        throw new DeploymentException(
            Exit.FAILED,
            "service "
                + service.get()
                + ": not stable after "
                + serviceTimeout.toMinutes()
                + " min ("
                + counts
                + ")",
            "look at the service's events: gifmachine-on-aws logs");
      }
      pause(backoff.next());
    }
  }

  private SmokeCheck.Outcome smokeTest(URI url, String secret) {
    step("smoke test against " + url);
    try {
      SmokeCheck.Outcome outcome = smoke.run(url, secret, Duration.ofMinutes(5));
      if (!outcome.passed()) {
        throw new DeploymentException(
            Exit.SMOKE,
            "smoke test against " + url + ": " + outcome.detail(),
            "look at gifmachine-on-aws logs; the stacks are deployed, run up again after fixing");
      }
      return outcome;
    } catch (DeploymentException e) {
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeploymentException(Exit.INTERRUPTED, "smoke test: interrupted", "run up again");
    } catch (Exception e) {
      throw new DeploymentException(
          Exit.SMOKE,
          "smoke test against " + url + ": " + e.getMessage(),
          "look at gifmachine-on-aws logs",
          e);
    }
  }

  private void pause(Duration duration) {
    try {
      cancellation.checkpoint();
      pacer.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeploymentException(
          Exit.INTERRUPTED,
          "interrupted while waiting",
          "run up again: it continues from where the deployment is");
    }
  }

  private void step(String description) {
    progress.on(new ProgressEvent.Step(description, pacer.now()));
  }
}
