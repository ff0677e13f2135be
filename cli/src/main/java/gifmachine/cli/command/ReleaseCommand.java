package gifmachine.cli.command;

import gifmachine.cli.aws.Aws;
import gifmachine.cli.aws.PipelineGateway;
import gifmachine.cli.aws.PipelineGateway.SourceOverride;
import gifmachine.cli.aws.ServiceGateway;
import gifmachine.cli.deploy.Cancellation;
import gifmachine.cli.deploy.DeploymentException;
import gifmachine.cli.deploy.DeploymentException.Exit;
import gifmachine.cli.deploy.PipelineRelease;
import gifmachine.cli.deploy.Preflight;
import gifmachine.cli.deploy.Stacks;
import gifmachine.cli.release.SourceArchive;
import gifmachine.cli.term.ProgressRenderer;
import gifmachine.infra.StackOutputs;
import gifmachine.infra.StackPart;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code release}: sends the committed tree of the working copy through the deployment's pipeline:
 * zips it ({@link SourceArchive}), uploads it as the pipeline's {@code source.zip}, starts an
 * execution pinned to that upload, and follows it live ({@link PipelineRelease}) to the URL and the
 * image digests the service now runs. Exit codes as for {@code up}; Ctrl-C stops only the
 * following.
 *
 * <pre>{@code
 * gifmachine-on-aws release --environment prod --company dundermiff --region eu-west-1
 * gifmachine-on-aws release --wait=false && gifmachine-on-aws status
 * }</pre>
 */
@Command(
    name = "release",
    mixinStandardHelpOptions = true,
    description = "Release the committed tree through the pipeline and follow it.")
public final class ReleaseCommand extends AwsCommand {

  /** The object the pipeline's S3 source action reads (PipelineStack's source key). */
  static final String SOURCE_KEY = "source.zip";

  @Option(
      names = "--wait",
      arity = "1",
      defaultValue = "true",
      paramLabel = "BOOL",
      description =
          "Follow the execution to its end (default true); --wait=false returns once it started.")
  boolean waitForIt = true;

  @Option(names = "--allow-dirty", description = "Include uncommitted changes to tracked files.")
  boolean allowDirty;

  @Option(
      names = "--timeout",
      paramLabel = "MINUTES",
      defaultValue = "60",
      description =
          "Stop following after this many minutes (default 60); the execution carries on.")
  int timeoutMinutes = 60;

  public ReleaseCommand(CliContext context) {
    super(context);
  }

  @Override
  protected int run(DeployOptions.Resolved resolved) throws Exception {
    try (Aws aws = connect(resolved)) {
      Stacks deployed = Stacks.read(aws, resolved.config());
      String pipeline = required(deployed, StackOutputs.PIPELINE_NAME, resolved);
      String bucket = required(deployed, StackOutputs.SOURCE_BUCKET_NAME, resolved);

      Path zip = Files.createTempFile("gifmachine-release", ".zip");
      try {
        SourceArchive.Archive archive =
            SourceArchive.create(context.workingDirectory(), allowDirty, zip);
        String summary = summary(archive);
        PipelineGateway pipelines = aws.pipelines();
        String version =
            Preflight.guard(
                "uploading " + SOURCE_KEY + " to " + bucket,
                () ->
                    pipelines.upload(
                        bucket,
                        SOURCE_KEY,
                        zip,
                        Map.of(PipelineGateway.REVISION_SUMMARY_METADATA, summary)));
        Instant since = context.pacer().now();
        Optional<SourceOverride> pin =
            sourceAction(pipelines, pipeline).map(action -> new SourceOverride(action, version));
        String execution =
            Preflight.guard("starting pipeline " + pipeline, () -> pipelines.start(pipeline, pin));
        err().println("Released " + summary + " to " + pipeline + ": execution " + execution);
        err().flush();
        if (!waitForIt) {
          out().println("Execution " + execution + " started.");
          out().println("Next: gifmachine-on-aws status");
          out().flush();
          return 0;
        }
        return follow(aws, resolved, deployed, pipeline, execution, since);
      } finally {
        Files.deleteIfExists(zip);
      }
    }
  }

  private int follow(
      Aws aws,
      DeployOptions.Resolved resolved,
      Stacks deployed,
      String pipeline,
      String execution,
      Instant since)
      throws Exception {
    PipelineRelease.Target target =
        new PipelineRelease.Target(
            pipeline,
            deployed.output(StackPart.GIFMACHINE, StackOutputs.CLUSTER_NAME).orElse(""),
            deployed.output(StackPart.GIFMACHINE, StackOutputs.SERVICE_NAME).orElse(""),
            deployed
                .output(StackPart.GIFMACHINE, StackOutputs.VALIDATION_HOOK_LOG_GROUP)
                .orElse(""),
            deployed
                .output(StackPart.GIFMACHINE, StackOutputs.PRODUCTION_LISTENER_RULE_ARN)
                .orElse(""));
    Cancellation cancellation = new Cancellation();
    PipelineRelease.Outcome outcome;
    try (ProgressRenderer renderer = renderer();
        AutoCloseable hook = context.interrupts().onInterrupt(cancellation::cancel)) {
      PipelineRelease release =
          new PipelineRelease(
              aws.pipelines(),
              aws.services(),
              aws.logs(),
              renderer,
              context.pacer(),
              cancellation,
              RandomGenerator.getDefault(),
              Duration.ofMinutes(timeoutMinutes));
      try {
        outcome =
            Preflight.guard(
                "following pipeline " + pipeline, () -> release.follow(target, execution, since));
      } catch (DeploymentException e) {
        if (e.exit() != Exit.INTERRUPTED) {
          throw e;
        }
        return interrupted(renderer, e);
      } finally {
        renderer.close();
      }
    }
    return report(aws, resolved, outcome);
  }

  private int report(Aws aws, DeployOptions.Resolved resolved, PipelineRelease.Outcome outcome) {
    PrintWriter out = out();
    outcome
        .deployments()
        .forEach(
            d ->
                out.println(
                    "ECS deployment "
                        + d.arn().substring(d.arn().lastIndexOf('/') + 1)
                        + ": "
                        + d.status().toLowerCase()
                        + (d.statusReason().isBlank() ? "" : " (" + d.statusReason() + ")")));
    outcome.hookResults().forEach(out::println);
    if (!outcome.succeeded()) {
      out.flush();
      PipelineRelease.Failure failure = outcome.failure().orElseThrow();
      PrintWriter err = err();
      if (!failure.logTail().isEmpty()) {
        err.println("Last " + failure.logTail().size() + " lines of the build log:");
        failure.logTail().forEach(line -> err.println("  " + line));
      }
      err.flush();
      String where =
          failure.stage().isBlank()
              ? ""
              : " at stage " + failure.stage() + " (" + failure.action() + ")";
      throw new DeploymentException(
          Exit.FAILED,
          "release: execution "
              + outcome.executionId()
              + " "
              + outcome.status().toLowerCase()
              + where
              + ": "
              + failure.reason(),
          "fix the cause, commit, and run release again (gifmachine-on-aws status shows the executions)");
    }
    Stacks now = Stacks.read(aws, resolved.config());
    images(aws, now).forEach((container, image) -> out.println("  " + container + ": " + image));
    now.gifmachineUrl().ifPresent(u -> out.println("Gifmachine: " + u));
    out.println("Released: execution " + outcome.executionId() + " succeeded.");
    out.println("Next: gifmachine-on-aws status");
    out.flush();
    return 0;
  }

  /**
   * The images (by digest, as {@code images push} pins them) of the service's task definition now.
   */
  private static Map<String, String> images(Aws aws, Stacks deployed) {
    Optional<String> cluster = deployed.output(StackPart.GIFMACHINE, StackOutputs.CLUSTER_NAME);
    Optional<String> service = deployed.output(StackPart.GIFMACHINE, StackOutputs.SERVICE_NAME);
    if (cluster.isEmpty() || service.isEmpty()) {
      return Map.of();
    }
    Optional<ServiceGateway.ServiceInfo> info =
        Preflight.guard(
            "describing the service",
            () -> aws.services().describeService(cluster.get(), service.get()));
    return info.filter(i -> !i.taskDefinition().isBlank())
        .map(
            i ->
                Preflight.guard(
                    "reading the task definition",
                    () -> aws.services().containerImages(i.taskDefinition())))
        .orElse(Map.of());
  }

  /** The first stage's first action: the S3 source action an execution is pinned through. */
  private static Optional<String> sourceAction(PipelineGateway pipelines, String pipeline) {
    List<PipelineGateway.StageState> stages =
        Preflight.guard("reading pipeline " + pipeline, () -> pipelines.state(pipeline));
    return stages.stream()
        .findFirst()
        .flatMap(s -> s.actions().stream().findFirst())
        .map(PipelineGateway.ActionState::name);
  }

  private static String summary(SourceArchive.Archive archive) {
    String commit = archive.commit().substring(0, Math.min(12, archive.commit().length()));
    return "commit "
        + commit
        + (archive.uncommitted().isEmpty()
            ? ""
            : " with "
                + archive.uncommitted().size()
                + " uncommitted change"
                + (archive.uncommitted().size() == 1 ? "" : "s"));
  }

  private static String required(Stacks deployed, String output, DeployOptions.Resolved resolved) {
    return deployed
        .output(StackPart.PIPELINE, output)
        .orElseThrow(
            () ->
                new DeploymentException(
                    Exit.CONFIG,
                    "release: the pipeline stack "
                        + resolved.config().stackName(StackPart.PIPELINE)
                        + " is not deployed"
                        + " (no "
                        + output
                        + " output)",
                    "run gifmachine-on-aws up first (the pipeline is part of every deployment unless turned off)"));
  }
}
