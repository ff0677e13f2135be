package gifmachine.cli.deploy;

import gifmachine.cli.aws.AccountGateway;
import gifmachine.cli.aws.Aws;
import gifmachine.cli.aws.CodeDeployGateway;
import gifmachine.cli.aws.RegistryGateway;
import gifmachine.cli.aws.SecretsGateway;
import gifmachine.cli.aws.ServiceGateway;
import gifmachine.cli.aws.StackDescription;
import gifmachine.cli.aws.StackStatus;
import gifmachine.cli.deploy.DeploymentException.Exit;
import gifmachine.cli.deploy.StackDeployer.Method;
import gifmachine.cli.image.DeploymentFiles;
import gifmachine.infra.DeploymentConfig;
import gifmachine.infra.ImageSet;
import gifmachine.infra.StackOutputs;
import gifmachine.infra.StackPart;
import gifmachine.infra.SynthesizedApp;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What {@code up} does, in order: pre-flight checks, the API password secret, the registry stack,
 * images built and pushed to it, every other stack synthesized with those digests and deployed in
 * dependency order, a CodeDeploy blue/green rollout when the Gifmachine image changed on an
 * existing service, waiting for the service to be stable, and the smoke test.
 *
 * <p>The rollout is one step because a {@code CODE_DEPLOY} service's task definition cannot be
 * changed by CloudFormation: the template keeps the image it was deployed with, and the new image
 * goes out as a new task definition revision through CodeDeploy.
 */
public final class Deployment {

  /** Gifmachine's container and port in the task definition (GifmachineStack, TEAM.md contract). */
  static final String APP_CONTAINER = "gifmachine";
  static final int APP_PORT = 4567;

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
   */
  public record Request(DeploymentConfig config, Method method, boolean monitoringOnly, Supplier<Password> password) {}

  /** What {@code up} prints at the end. */
  public record Result(
      List<StackResult> stacks,
      boolean changed,
      Optional<Password> newPassword,
      String apiPasswordSecretArn,
      Optional<String> gifmachineUrl,
      Optional<String> grafanaUrl,
      Optional<String> grafanaSecretArn,
      Optional<String> rollout,
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

  public Deployment(Aws aws, StackDeployer engine, Function<DeploymentConfig, SynthesizedApp> synthesizer,
      ImagePublishing images, SmokeCheck smoke, ProgressListener progress, Pacer pacer, Cancellation cancellation,
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

  public Result up(Request request) {
    DeploymentConfig requested = request.config();
    List<String> names = java.util.Arrays.stream(StackPart.values()).map(requested::stackName).toList();
    step("pre-flight checks");
    AccountGateway.Identity identity = Preflight.check(aws, requested, names);
    DeploymentConfig config = Configs.withAccount(requested, identity.account());
    step("account " + identity.account() + " as " + identity.arn() + ", region " + config.region());
    config = EdgeLookups.withPrefixList(aws, config);

    SecretResult secret = apiPassword(config, request.password());

    SynthesizedApp first = synthesize(Configs.withImages(config, Stacks.placeholderImages(config)));
    StackNode registry = StackNode.of(first.stack(StackPart.REGISTRY).orElseThrow());
    List<StackNode> firstStacks = new java.util.ArrayList<>(List.of(registry));
    // The CloudFront web ACL's stack (us-east-1) goes first too: the edge stack needs its ARN.
    first.stack(StackPart.FIREWALL).filter(f -> !request.monitoringOnly()).map(StackNode::of)
        .ifPresent(firstStacks::add);
    List<StackResult> results = new java.util.ArrayList<>(deploy(firstStacks, request.method()));

    Stacks deployed = Stacks.read(aws, config);
    config = EdgeLookups.withWebAcl(deployed, config);
    if (config.cloudFrontFirewall() && config.cloudFrontWebAclArn().isBlank() && !request.monitoringOnly()) {
      throw new DeploymentException(Exit.FAILED, "stack " + config.stackName(StackPart.FIREWALL)
          + " (us-east-1): has no " + StackOutputs.WEB_ACL_ARN + " output", "look at the stack in the CloudFormation console of us-east-1");
    }
    ImageSet repositories = deployed.repositories().orElseThrow(() -> new DeploymentException(Exit.FAILED,
        "stack " + registry.stackName() + ": has no repository outputs", "look at the stack in the CloudFormation console"));
    step("building and pushing images");
    RegistryGateway.Login login = Preflight.guard("getting ECR credentials", () -> aws.registry().login());
    ImageSet built;
    try {
      built = images.publish(repositories, login, config.graviton(), progress);
    } catch (DeploymentException e) {
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeploymentException(Exit.INTERRUPTED, "images: interrupted while pushing", "run up again");
    } catch (Exception e) {
      throw new DeploymentException(Exit.FAILED, "pushing images: " + e.getMessage(), "run up again with --verbose for details", e);
    }

    Optional<Rollout> rollout = request.monitoringOnly() ? Optional.empty() : plannedRollout(config, deployed, repositories, built);
    ImageSet templateImages = rollout.map(r -> Configs.withGifmachine(built, r.templateImage())).orElse(built);
    SynthesizedApp app = synthesize(Configs.withImages(config, templateImages));
    List<StackNode> rest = app.stacks().stream()
        .filter(s -> s.part() != StackPart.REGISTRY && s.part() != StackPart.FIREWALL)
        .filter(s -> !request.monitoringOnly() || s.part() == StackPart.MONITORING)
        .map(StackNode::of)
        .toList();
    results.addAll(deploy(rest, request.method()));

    Stacks after = Stacks.read(aws, config);
    Optional<String> rolledOut = Optional.empty();
    if (rollout.isPresent() && rollout.get().needed()) {
      rolledOut = Optional.of(rollOut(after, built.gifmachine()));
    }
    boolean changed = rolledOut.isPresent()
        || results.stream().anyMatch(r -> r.outcome() != StackResult.Outcome.NO_CHANGES);

    Optional<SmokeCheck.Outcome> smokeOutcome = Optional.empty();
    Optional<String> url = after.gifmachineUrl();
    if (!request.monitoringOnly()) {
      waitForService(after);
      if (url.isPresent()) {
        smokeOutcome = Optional.of(smokeTest(URI.create(url.get()), secret.value()));
      }
    }
    return new Result(results, changed, secret.created() ? Optional.of(secret.password()) : Optional.empty(),
        secret.arn(), url,
        after.grafanaUrl(),
        after.output(StackPart.MONITORING, StackOutputs.GRAFANA_ADMIN_SECRET_ARN),
        rolledOut, smokeOutcome,
        results.stream().anyMatch(r -> r.stackName().equals(requested.stackName(StackPart.MONITORING))
            && r.outcome() == StackResult.Outcome.CREATED));
  }

  private record SecretResult(String arn, String value, boolean created, Password password) {}

  /** Reuses the stored API password; only a first deployment asks for (or generates) one. */
  private SecretResult apiPassword(DeploymentConfig config, Supplier<Password> ask) {
    String name = config.apiPasswordSecretName();
    Optional<SecretsGateway.SecretInfo> existing = Preflight.guard("looking for secret " + name, () -> aws.secrets().describe(name));
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
    String arn = Preflight.guard("creating secret " + name, () -> aws.secrets().create(name, password.value(), config.tags()));
    return new SecretResult(arn, password.value(), true, password);
  }

  private SynthesizedApp synthesize(DeploymentConfig config) {
    step("synthesizing stacks");
    return synthesizer.apply(config);
  }

  private List<StackResult> deploy(List<StackNode> nodes, Method method) {
    List<StackResult> results = engine.deploy(nodes, method);
    Optional<StackResult> interrupted = results.stream().filter(r -> r.outcome() == StackResult.Outcome.INTERRUPTED).findFirst();
    if (interrupted.isPresent() || cancellation.isCancelled()) {
      throw new DeploymentException(Exit.INTERRUPTED,
          "interrupted: stopped waiting; CloudFormation carries on with " + inProgress(results),
          "run up again: it waits for stacks still in progress and continues from there");
    }
    Optional<StackResult> failed = results.stream().filter(r -> r.outcome() == StackResult.Outcome.FAILED
        || r.outcome() == StackResult.Outcome.TIMED_OUT).findFirst();
    if (failed.isPresent()) {
      StackResult f = failed.get();
      String hint = f.status().equals("ROLLBACK_COMPLETE")
          ? "fix the cause and run up again: the stack will be deleted and created afresh"
          : "fix the cause and run up again";
      throw new DeploymentException(Exit.FAILED, "stack " + f.stackName() + ": " + f.failure(), hint);
    }
    return results;
  }

  private static String inProgress(List<StackResult> results) {
    List<String> names = results.stream().filter(r -> r.outcome() == StackResult.Outcome.INTERRUPTED)
        .map(r -> r.stackName() + (r.status().isEmpty() ? "" : " (" + r.status() + ")")).toList();
    return names.isEmpty() ? "nothing" : String.join(", ", names);
  }

  /**
   * @param templateImage the image the deployed template has, kept in the new template
   * @param needed whether the service runs something other than the new image
   */
  record Rollout(String templateImage, boolean needed) {}

  private Optional<Rollout> plannedRollout(DeploymentConfig config, Stacks deployed, ImageSet repositories, ImageSet built) {
    Optional<StackDescription> stack = deployed.stack(StackPart.GIFMACHINE);
    if (stack.isEmpty() || !StackStatus.updatable(stack.get().status())) {
      return Optional.empty();
    }
    String name = config.stackName(StackPart.GIFMACHINE);
    Optional<String> template = Preflight.guard("reading template " + name, () -> aws.cloudFormation().template(name));
    Optional<String> templateImage = template.flatMap(t -> DeployedImages.find(t, repositories.gifmachine()));
    if (templateImage.isEmpty()) {
      return Optional.empty();
    }
    Optional<String> running = runningImage(deployed);
    boolean needed = !running.orElse(templateImage.get()).equals(built.gifmachine());
    return Optional.of(new Rollout(templateImage.get(), needed));
  }

  private Optional<String> runningImage(Stacks deployed) {
    Optional<String> cluster = deployed.output(StackPart.GIFMACHINE, StackOutputs.CLUSTER_NAME);
    Optional<String> service = deployed.output(StackPart.GIFMACHINE, StackOutputs.SERVICE_NAME);
    if (cluster.isEmpty() || service.isEmpty()) {
      return Optional.empty();
    }
    return Preflight.guard("describing the service", () -> aws.services().describeService(cluster.get(), service.get()))
        .map(ServiceGateway.ServiceInfo::taskDefinition)
        .filter(td -> !td.isBlank())
        .map(td -> Preflight.guard("reading the task definition", () -> aws.services().containerImages(td)).get(APP_CONTAINER));
  }

  /** Blue/green: a new task definition revision with the new image, handed to CodeDeploy. */
  private String rollOut(Stacks deployed, String image) {
    String cluster = require(deployed, StackOutputs.CLUSTER_NAME);
    String serviceName = require(deployed, StackOutputs.SERVICE_NAME);
    String application = require(deployed, StackOutputs.CODE_DEPLOY_APPLICATION);
    String group = require(deployed, StackOutputs.CODE_DEPLOY_DEPLOYMENT_GROUP);
    step("rolling out " + image + " with CodeDeploy blue/green");
    ServiceGateway.ServiceInfo service = Preflight.guard("describing the service",
        () -> aws.services().describeService(cluster, serviceName)).orElseThrow(() -> new DeploymentException(Exit.FAILED,
            "service " + serviceName + ": not found in cluster " + cluster, "run up again"));
    String revision = Preflight.guard("registering a task definition revision",
        () -> aws.services().registerRevision(service.taskDefinition(), APP_CONTAINER, image));
    String id = Preflight.guard("starting a CodeDeploy deployment",
        () -> aws.codeDeploy().createDeployment(application, group, appSpec(revision)));
    Instant deadline = pacer.now().plus(serviceTimeout);
    Backoff backoff = new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(15), new java.util.Random());
    while (true) {
      CodeDeployGateway.DeploymentStatus status = Preflight.guard("following deployment " + id,
          () -> aws.codeDeploy().deployment(id));
      if (status.status().equals("Succeeded")) {
        return id;
      }
      if (status.finished()) {
        throw new DeploymentException(Exit.FAILED, "CodeDeploy deployment " + id + ": " + status.status()
            + (status.error().isBlank() ? "" : " (" + status.error() + ")"), "CodeDeploy rolled back to the previous tasks; fix the image and run up again");
      }
      if (pacer.now().isAfter(deadline)) {
        throw new DeploymentException(Exit.FAILED, "CodeDeploy deployment " + id + ": still " + status.status()
            + " after " + serviceTimeout.toMinutes() + " min", "follow it in the CodeDeploy console; run up again when it is done");
      }
      pause(backoff.next());
    }
  }

  /**
   * The AppSpec for an ECS blue/green deployment: which task definition, which container takes
   * traffic. The pipeline's appspec (DeploymentFiles) with the revision filled in.
   */
  static String appSpec(String taskDefinitionArn) {
    return DeploymentFiles.appSpec(APP_CONTAINER, APP_PORT).replace("<TASK_DEFINITION>", taskDefinitionArn);
  }

  private static String require(Stacks deployed, String output) {
    return deployed.output(StackPart.GIFMACHINE, output).orElseThrow(() -> new DeploymentException(Exit.FAILED,
        "stack output " + output + ": missing from the gifmachine stack", "run up again"));
  }

  private void waitForService(Stacks deployed) {
    Optional<String> cluster = deployed.output(StackPart.GIFMACHINE, StackOutputs.CLUSTER_NAME);
    Optional<String> service = deployed.output(StackPart.GIFMACHINE, StackOutputs.SERVICE_NAME);
    if (cluster.isEmpty() || service.isEmpty()) {
      return;
    }
    step("waiting for the ECS service to be stable");
    Instant deadline = pacer.now().plus(serviceTimeout);
    Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(10), new java.util.Random());
    while (true) {
      Optional<ServiceGateway.ServiceInfo> info = Preflight.guard("describing the service",
          () -> aws.services().describeService(cluster.get(), service.get()));
      if (info.isPresent() && info.get().stable() && info.get().running() > 0) {
        return;
      }
      if (pacer.now().isAfter(deadline)) {
        String counts = info.map(i -> i.running() + " of " + i.desired() + " tasks running").orElse("service not found");
        throw new DeploymentException(Exit.FAILED, "service " + service.get() + ": not stable after "
            + serviceTimeout.toMinutes() + " min (" + counts + ")", "look at the service's events: gifmachine-on-aws logs");
      }
      pause(backoff.next());
    }
  }

  private SmokeCheck.Outcome smokeTest(URI url, String secret) {
    step("smoke test against " + url);
    try {
      SmokeCheck.Outcome outcome = smoke.run(url, secret, Duration.ofMinutes(5));
      if (!outcome.passed()) {
        throw new DeploymentException(Exit.SMOKE, "smoke test against " + url + ": " + outcome.detail(),
            "look at gifmachine-on-aws logs; the stacks are deployed, run up again after fixing");
      }
      return outcome;
    } catch (DeploymentException e) {
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeploymentException(Exit.INTERRUPTED, "smoke test: interrupted", "run up again");
    } catch (Exception e) {
      throw new DeploymentException(Exit.SMOKE, "smoke test against " + url + ": " + e.getMessage(),
          "look at gifmachine-on-aws logs", e);
    }
  }

  private void pause(Duration duration) {
    try {
      cancellation.checkpoint();
      pacer.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeploymentException(Exit.INTERRUPTED, "interrupted while waiting",
          "run up again: it continues from where the deployment is");
    }
  }

  private void step(String description) {
    progress.on(new ProgressEvent.Step(description, pacer.now()));
  }
}
