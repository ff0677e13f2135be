package gifmachine.cli.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gifmachine.cli.aws.AwsCallException;
import gifmachine.cli.aws.LogsGateway;
import gifmachine.cli.aws.PipelineGateway;
import gifmachine.cli.aws.PipelineGateway.ActionState;
import gifmachine.cli.aws.PipelineGateway.Build;
import gifmachine.cli.aws.PipelineGateway.BuildPhase;
import gifmachine.cli.aws.PipelineGateway.StageState;
import gifmachine.cli.aws.ServiceGateway;
import gifmachine.cli.aws.ServiceGateway.ServiceDeployment;
import gifmachine.cli.aws.StackEvent;
import gifmachine.cli.deploy.DeploymentException.Exit;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * Follows one CodePipeline execution for {@code release} and publishes it as progress: one line per
 * stage (whatever stages the pipeline has, read generically from GetPipelineState), the CodeBuild
 * phase of a build action, and, once the source stage is done, the ECS blue/green deployment's
 * lifecycle stages, the production listener rule's weights (the traffic shift) and the validation
 * hook's answers from its log. Ends when the execution does; on a failure it says which stage and
 * action failed, the build phase and its context, and the build log's last lines. Polling is paced
 * by {@link Backoff} through the {@link Pacer}, and Ctrl-C ({@link Cancellation}) only stops the
 * following: nothing is stopped in AWS.
 *
 * <p>Execution statuses:
 * https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_PipelineExecution.html;
 * CodeBuild phases:
 * https://docs.aws.amazon.com/codebuild/latest/userguide/view-build-details-phases.html; ECS
 * lifecycle stages:
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/blue-green-deployment-how-it-works.html.
 */
public final class PipelineRelease {

  /** How many build log lines a failure shows. */
  public static final int LOG_LINES = 20;

  /** Terminal execution statuses (all but InProgress and Stopping). */
  static final Set<String> FINISHED =
      Set.of("Succeeded", "Failed", "Stopped", "Superseded", "Cancelled");

  /**
   * A CodeBuild build id, which a CodeBuild action reports as its external execution id: {@code
   * project:uuid}.
   */
  private static final Pattern BUILD_ID =
      Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{1,254}:[0-9a-f-]{36}");

  /**
   * The CloudWatch Logs filter for the validation hook's one line per call (hook/ValidationHook).
   */
  static final String HOOK_FILTER = "{ $.event = \"validation\" }";

  /**
   * What to follow besides the pipeline; blank fields are not followed (e.g. no Gifmachine stack).
   *
   * @param productionRule the listener rule whose weights ECS moves during the traffic shift
   */
  public record Target(
      String pipeline,
      String cluster,
      String service,
      String hookLogGroup,
      String productionRule) {}

  /** What failed, when the execution did not succeed. */
  public record Failure(String stage, String action, String reason, List<String> logTail) {}

  /** How the execution ended and what the ECS deployment and the hook said on the way. */
  public record Outcome(
      String executionId,
      String status,
      String summary,
      Optional<Failure> failure,
      List<ServiceDeployment> deployments,
      List<String> hookResults) {

    public boolean succeeded() {
      return status.equals("Succeeded");
    }
  }

  private final PipelineGateway pipelines;
  private final ServiceGateway services;
  private final LogsGateway logs;
  private final ProgressListener progress;
  private final Pacer pacer;
  private final Cancellation cancellation;
  private final Backoff backoff;
  private final Duration timeout;
  private final ObjectMapper json = new ObjectMapper();

  public PipelineRelease(
      PipelineGateway pipelines,
      ServiceGateway services,
      LogsGateway logs,
      ProgressListener progress,
      Pacer pacer,
      Cancellation cancellation,
      RandomGenerator random,
      Duration timeout) {
    this.pipelines = pipelines;
    this.services = services;
    this.logs = logs;
    this.progress = progress;
    this.pacer = pacer;
    this.cancellation = cancellation;
    this.backoff = new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(15), random);
    this.timeout = timeout;
  }

  /**
   * Follows execution {@code executionId} until it ends.
   *
   * @param since when the release started: ECS deployments and hook answers before it are not ours
   * @throws DeploymentException {@link Exit#INTERRUPTED} on Ctrl-C, {@link Exit#FAILED} when it is
   *     still running after the timeout (in both cases the execution carries on in AWS)
   */
  public Outcome follow(Target target, String executionId, Instant since) {
    Round round = new Round(target, executionId, since);
    Instant deadline = pacer.now().plus(timeout);
    cancellation.enter();
    try {
      while (true) {
        boolean changed;
        PipelineGateway.Execution execution;
        try {
          changed = round.look();
          execution = pipelines.execution(target.pipeline(), executionId);
        } catch (AwsCallException e) {
          if (e.kind() != AwsCallException.Kind.THROTTLED) {
            throw e;
          }
          // Throttled: a quiet round, so the backoff grows before the next look.
          cancellation.checkpoint();
          pacer.sleep(backoff.next());
          continue;
        }
        if (FINISHED.contains(execution.status())) {
          round.look();
          round.finishStages(execution.status());
          return new Outcome(
              executionId,
              execution.status(),
              execution.summary(),
              execution.status().equals("Succeeded")
                  ? Optional.empty()
                  : Optional.of(round.failure(execution)),
              round.ecs == null ? List.of() : round.ecs.seen(),
              List.copyOf(round.hookResults));
        }
        if (!pacer.now().isBefore(deadline)) {
          throw new DeploymentException(
              Exit.FAILED,
              "release: execution "
                  + executionId
                  + " of pipeline "
                  + target.pipeline()
                  + " is still "
                  + execution.status()
                  + " after "
                  + format(timeout)
                  + "; it carries on in AWS",
              "watch it with: gifmachine-on-aws status");
        }
        if (changed) {
          backoff.reset();
        }
        cancellation.checkpoint();
        pacer.sleep(backoff.next());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeploymentException(
          Exit.INTERRUPTED,
          "release: stopped following execution "
              + executionId
              + " of pipeline "
              + target.pipeline()
              + "; nothing was cancelled, it carries on in AWS",
          "watch it with: gifmachine-on-aws status");
    } finally {
      cancellation.leave();
    }
  }

  /** The state seen so far of one execution, compared on each look. */
  private final class Round {
    final Target target;
    final String executionId;
    final Instant since;
    final Map<String, String> stageStatus = new LinkedHashMap<>();
    final Map<String, String> actionShown = new HashMap<>();
    final Set<String> hookLines = new HashSet<>();
    final List<String> hookResults = new ArrayList<>();
    final ServiceDeploymentFollower ecs;
    List<StageState> stages = List.of();
    Map<String, Integer> weights = Map.of();
    boolean warnedHook;
    int events;

    Round(Target target, String executionId, Instant since) {
      this.target = target;
      this.executionId = executionId;
      this.since = since;
      this.ecs =
          target.cluster().isBlank() || target.service().isBlank()
              ? null
              : new ServiceDeploymentFollower(
                  services, "ecs", target.cluster(), target.service(), since, progress, pacer);
    }

    /** One look at every stage of our execution; true when anything changed. */
    boolean look() {
      int before = events;
      stages = pipelines.state(target.pipeline());
      boolean pastSource = false;
      for (int i = 0; i < stages.size(); i++) {
        StageState stage = stages.get(i);
        if (!stage.executionId().equals(executionId) || stage.status().isBlank()) {
          continue;
        }
        stage(stage);
        if (i > 0 && stage.status().equals("InProgress")) {
          pastSource = true;
        }
      }
      if (pastSource) {
        deployment();
      }
      return events != before;
    }

    private void stage(StageState stage) {
      String before = stageStatus.get(stage.name());
      if (before == null) {
        progress.on(
            new ProgressEvent.StackStarted(
                stage.name(), "stage", pacer.now(), typical(stage.name())));
        events++;
      }
      for (ActionState action : stage.actions()) {
        action(stage, action);
      }
      if (!stage.status().equals(before)) {
        stageStatus.put(stage.name(), stage.status());
        events++;
        if (FINISHED.contains(stage.status())) {
          finish(stage.name(), stage.status(), reasonOf(stage));
        }
      }
    }

    private void action(StageState stage, ActionState action) {
      String shown = action.status();
      if (BUILD_ID.matcher(action.externalId()).matches() && action.status().equals("InProgress")) {
        Optional<Build> build = pipelines.build(action.externalId());
        shown =
            build
                .map(b -> b.currentPhase().isBlank() ? b.status() : b.currentPhase())
                .orElse(shown);
      }
      String key = stage.name() + "/" + action.name();
      if (!shown.isBlank() && !shown.equals(actionShown.put(key, shown))) {
        events++;
        String type =
            BUILD_ID.matcher(action.externalId()).matches()
                ? "CodeBuild " + action.externalId()
                : "action";
        progress.on(
            new ProgressEvent.ResourceChanged(
                new StackEvent(
                    key + "@" + events,
                    stage.name(),
                    action.name(),
                    type,
                    shown,
                    action.error(),
                    pacer.now())));
      }
    }

    private void finish(String stage, String status, String reason) {
      StackResult.Outcome outcome =
          switch (status) {
            case "Succeeded" -> StackResult.Outcome.UPDATED;
            case "Stopped", "Superseded", "Cancelled" -> StackResult.Outcome.SKIPPED;
            default -> StackResult.Outcome.FAILED;
          };
      progress.on(
          new ProgressEvent.StackFinished(
              stage, new StackResult(stage, outcome, status, reason), pacer.now()));
    }

    /** Stages that never reported an end (a stopped execution's later stages) end with it. */
    void finishStages(String executionStatus) {
      for (Map.Entry<String, String> entry : stageStatus.entrySet()) {
        if (!FINISHED.contains(entry.getValue())) {
          String status = executionStatus.equals("Succeeded") ? "Succeeded" : executionStatus;
          entry.setValue(status);
          finish(entry.getKey(), status, "");
        }
      }
    }

    /** ECS's deployment, the traffic weights and the hook's answers: while a later stage runs. */
    private void deployment() {
      if (ecs != null) {
        int seen = ecs.seen().size();
        ecs.poll("ecs");
        boolean active =
            ecs.seen().stream()
                .anyMatch(
                    d ->
                        !d.status().equals("SUCCESSFUL")
                            && !d.status().startsWith("ROLLBACK_SUCCESSFUL")
                            && !d.status().equals("STOPPED"));
        if (ecs.seen().size() != seen) {
          events++;
        }
        if (active && !target.productionRule().isBlank()) {
          traffic();
        }
      }
      if (!target.hookLogGroup().isBlank()) {
        hook();
      }
    }

    private void traffic() {
      Map<String, Integer> now;
      try {
        now = services.ruleWeights(target.productionRule());
      } catch (AwsCallException e) {
        return; // the lifecycle stages still show the shift; the release's outcome does not depend
        // on it
      }
      if (!now.equals(weights)) {
        weights = now;
        events++;
        List<String> parts = new ArrayList<>();
        int total = now.values().stream().mapToInt(Integer::intValue).sum();
        now.forEach(
            (arn, weight) ->
                parts.add(
                    targetGroupName(arn) + " " + (total == 0 ? 0 : weight * 100 / total) + "%"));
        progress.on(
            new ProgressEvent.Step("production traffic: " + String.join(", ", parts), pacer.now()));
      }
    }

    private void hook() {
      String token = "";
      try {
        for (int page = 0; page < 10; page++) {
          LogsGateway.Page lines = logs.filter(target.hookLogGroup(), since, HOOK_FILTER, token);
          for (LogsGateway.LogLine line : lines.lines()) {
            if (hookLines.add(line.timestamp() + line.stream() + line.message())) {
              String result = describeHook(line.message());
              hookResults.add(result);
              events++;
              progress.on(new ProgressEvent.Step(result, pacer.now()));
            }
          }
          if (lines.nextToken().isEmpty() || lines.nextToken().get().equals(token)) {
            break;
          }
          token = lines.nextToken().get();
        }
      } catch (AwsCallException e) {
        if (!warnedHook) {
          warnedHook = true;
          progress.on(
              new ProgressEvent.Step(
                  "reading the validation hook's log: " + e.getMessage() + " (the release goes on)",
                  pacer.now()));
        }
      }
    }

    Failure failure(PipelineGateway.Execution execution) {
      for (StageState stage : stages) {
        if (!stage.executionId().equals(executionId)) {
          continue;
        }
        for (ActionState action : stage.actions()) {
          if (action.status().equals("Failed")) {
            String reason = action.error().isBlank() ? "the action failed" : action.error();
            List<String> tail = List.of();
            if (BUILD_ID.matcher(action.externalId()).matches()) {
              Optional<Build> build = pipelines.build(action.externalId());
              if (build.isPresent()) {
                reason = buildReason(build.get(), reason);
                tail = tail(build.get());
              }
            }
            return new Failure(stage.name(), action.name(), reason, tail);
          }
        }
      }
      String why =
          execution.summary().isBlank()
              ? "the execution ended " + execution.status()
              : execution.summary();
      return new Failure("", "", why, List.of());
    }

    private List<String> tail(Build build) {
      if (build.logGroup().isBlank() || build.logStream().isBlank()) {
        return List.of();
      }
      try {
        return pipelines.logTail(build.logGroup(), build.logStream(), LOG_LINES);
      } catch (AwsCallException e) {
        return List.of("(the build log could not be read: " + e.getMessage() + ")");
      }
    }
  }

  /** {@code phase BUILD FAILED: COMMAND_EXECUTION_ERROR …}, or what the action said. */
  static String buildReason(Build build, String fallback) {
    for (BuildPhase phase : build.phases()) {
      if (Set.of("FAILED", "FAULT", "TIMED_OUT", "STOPPED").contains(phase.status())) {
        return "build phase "
            + phase.type()
            + " "
            + phase.status()
            + (phase.context().isBlank() ? "" : ": " + phase.context());
      }
    }
    return fallback;
  }

  private static String reasonOf(StageState stage) {
    return stage.actions().stream()
        .map(ActionState::error)
        .filter(e -> !e.isBlank())
        .findFirst()
        .orElse("");
  }

  /**
   * The hook's log line as one readable result: {@code validation hook: attempt 2: FAILED
   * (reason)}.
   */
  String describeHook(String message) {
    try {
      JsonNode line = json.readTree(message.substring(Math.max(0, message.indexOf('{'))));
      String reason = line.path("reason").asText("");
      return "validation hook: attempt "
          + line.path("attempt").asInt(1)
          + ": "
          + line.path("outcome").asText("?")
          + (reason.isBlank() ? "" : " (" + reason + ")");
    } catch (IOException | RuntimeException e) {
      return "validation hook: " + message.strip();
    }
  }

  /** {@code targetgroup/NAME/id} → NAME. */
  static String targetGroupName(String arn) {
    String[] parts = arn.split("/");
    return parts.length >= 2 ? parts[parts.length - 2] : arn;
  }

  /** Rough typical durations, for the progress line's ETA only. */
  static Duration typical(String stage) {
    return switch (stage) {
      case "Source" -> Duration.ofSeconds(15);
      case "Build" -> Duration.ofMinutes(8);
      case "Deploy" -> Duration.ofMinutes(12);
      default -> Duration.ofMinutes(5);
    };
  }

  private static String format(Duration duration) {
    return duration.toMinutes() + " min";
  }
}
