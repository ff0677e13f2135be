package gifmachine.cli.aws.rules;

import gifmachine.cli.aws.AccountGateway;
import gifmachine.cli.aws.Aws;
import gifmachine.cli.aws.AwsCallException;
import gifmachine.cli.aws.CloudFormationGateway;
import gifmachine.cli.aws.LogsGateway;
import gifmachine.cli.aws.PipelineGateway;
import gifmachine.cli.aws.ServiceGateway;
import gifmachine.cli.aws.StackDescription;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A release's AWS side in memory, for what moto lacks (GetPipelineState, builds a pipeline ran, ECS
 * service deployments): a pipeline whose execution, stages, CodeBuild builds, ECS blue/green
 * deployment, listener weights and hook log lines change on a script, each change timed from
 * StartPipelineExecution on the test's clock and checked against {@link DeliveryRules}, so a
 * scenario reads as the history AWS would report. Calls the release path does not make fail loudly;
 * every call is recorded ({@link #calls()}), so a test can show that nothing was stopped or changed
 * in AWS.
 *
 * <pre>{@code
 * ScriptedDelivery aws = new ScriptedDelivery(pacer::now, List.of("Source", "Build", "Deploy"));
 * aws.at(Duration.ofSeconds(5), () -> aws.stage("Source", "Succeeded"));
 * }</pre>
 */
public final class ScriptedDelivery {

  public static final String PIPELINE = "test-acme-pipeline-Pipeline";
  public static final String SOURCE_BUCKET = "test-acme-pipeline-sourcebucket";
  public static final String CLUSTER = "test-acme-cluster";
  public static final String SERVICE = "test-acme-gifmachine";
  public static final String HOOK_LOG_GROUP = "test-acme-gifmachine-ValidationHookLogs";
  public static final String RULE =
      "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/lb/1/2/3";
  public static final String BLUE =
      "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/blue/1";
  public static final String GREEN =
      "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/green/2";

  private record Change(Duration after, Runnable change) {}

  private record ScriptedBuild(
      String id, List<PipelineGateway.BuildPhase> phases, List<String> log) {}

  private final Supplier<Instant> clock;
  private final List<String> stageNames;
  private final List<Change> script = new ArrayList<>();
  private final List<String> calls = new ArrayList<>();
  private final List<String> violations = new ArrayList<>();
  private final Map<String, StackDescription> stacks = new LinkedHashMap<>();
  private final List<PipelineGateway.Execution> history = new ArrayList<>();
  private final Map<String, String> stageStatus = new LinkedHashMap<>();
  private final Map<String, Map<String, PipelineGateway.ActionState>> actions =
      new LinkedHashMap<>();
  private final Map<String, ScriptedBuild> builds = new LinkedHashMap<>();
  private final Map<String, ServiceGateway.ServiceDeployment> deployments = new LinkedHashMap<>();
  private final List<LogsGateway.LogLine> hookLines = new ArrayList<>();
  private final Map<String, Map<String, String>> uploads = new LinkedHashMap<>();
  private Map<String, Integer> weights = weightsOf(100, 0);
  private String taskDefinition = "arn:aws:ecs:eu-west-1:123456789012:task-definition/gifmachine:1";
  private final Map<String, Map<String, String>> taskDefinitions = new LinkedHashMap<>();
  private final Map<String, Integer> throttled = new LinkedHashMap<>();
  private boolean hookFailed;
  private Instant started;
  private String executionId = "";
  private String executionStatus = "";
  private String executionSummary = "";
  private int versions;

  public ScriptedDelivery(Supplier<Instant> clock, List<String> stageNames) {
    this.clock = clock;
    this.stageNames = List.copyOf(stageNames);
    stageNames.forEach(s -> actions.put(s, new LinkedHashMap<>()));
    taskDefinitions.put(
        taskDefinition, Map.of("gifmachine", "repo/gifmachine@sha256:" + "a".repeat(64)));
  }

  // ---- set-up --------------------------------------------------------------------------------

  /** A deployed stack and its outputs, as DescribeStacks reports it. */
  public void stack(String name, Map<String, String> outputs) {
    stacks.put(
        name,
        new StackDescription(
            name,
            "arn:aws:cloudformation:eu-west-1:123456789012:stack/" + name + "/1",
            "UPDATE_COMPLETE",
            "",
            outputs,
            Map.of()));
  }

  /** An execution that ran before this test's release (ListPipelineExecutions). */
  public void pastExecution(String id, String status, String summary, Instant at) {
    history.add(
        new PipelineGateway.Execution(
            id,
            status,
            "",
            at,
            at,
            List.of(new PipelineGateway.SourceRevision("Source", "v0", summary))));
  }

  /** A change that happens {@code after} StartPipelineExecution. */
  public ScriptedDelivery at(Duration after, Runnable change) {
    script.add(new Change(after, change));
    return this;
  }

  // ---- changes a script makes (checked against DeliveryRules) --------------------------------

  public void execution(String status, String summary) {
    check(() -> DeliveryRules.executionStatusMayFollow(executionStatus, status));
    executionStatus = status;
    executionSummary = summary;
  }

  public void stage(String stage, String status) {
    if (!stageStatus.containsKey(stage)) {
      List<String> before =
          stageNames.subList(0, stageNames.indexOf(stage)).stream()
              .map(s -> stageStatus.getOrDefault(s, "not started"))
              .toList();
      check(() -> DeliveryRules.stageStartsAfterThoseBeforeSucceeded(stage, before));
    }
    stageStatus.put(stage, status);
  }

  public void action(String stage, String action, String status, String externalId, String error) {
    actions
        .get(stage)
        .put(action, new PipelineGateway.ActionState(action, status, externalId, "", error));
  }

  /**
   * The build enters {@code phase}; the phase before it ends SUCCEEDED unless {@code
   * previousStatus} says otherwise.
   */
  public void buildPhase(
      String buildId, String phase, String previousStatus, String previousContext) {
    ScriptedBuild build =
        builds.computeIfAbsent(
            buildId, id -> new ScriptedBuild(id, new ArrayList<>(), new ArrayList<>()));
    if (!build.phases().isEmpty()) {
      PipelineGateway.BuildPhase last = build.phases().getLast();
      check(() -> DeliveryRules.buildPhaseMovesForward(last.type(), phase));
      build
          .phases()
          .set(
              build.phases().size() - 1,
              new PipelineGateway.BuildPhase(last.type(), previousStatus, previousContext));
      boolean buildFailed =
          build.phases().stream()
              .anyMatch(p -> p.type().equals("BUILD") && !p.status().equals("SUCCEEDED"));
      boolean uploadAttempted =
          build.phases().stream().anyMatch(p -> p.type().equals("UPLOAD_ARTIFACTS"));
      check(
          () ->
              DeliveryRules.uploadArtifactsIsAttemptedAfterAFailedBuild(
                  buildFailed, uploadAttempted, phase));
    }
    build
        .phases()
        .add(
            new PipelineGateway.BuildPhase(
                phase, phase.equals("COMPLETED") ? "" : "IN_PROGRESS", ""));
  }

  public void buildLog(String buildId, List<String> lines) {
    builds.get(buildId).log().addAll(lines);
  }

  public void ecs(String id, String status, String stage, String reason) {
    String arn =
        "arn:aws:ecs:eu-west-1:123456789012:service-deployment/"
            + CLUSTER
            + "/"
            + SERVICE
            + "/"
            + id;
    ServiceGateway.ServiceDeployment before = deployments.get(arn);
    if (status.equals("IN_PROGRESS")) {
      check(
          () ->
              DeliveryRules.lifecycleStageMovesForward(
                  before == null ? "" : before.lifecycleStage(), stage));
    }
    if (hookFailed && before != null) {
      check(() -> DeliveryRules.failedHookRollsBack(status));
    }
    deployments.put(
        arn,
        new ServiceGateway.ServiceDeployment(
            arn, before == null ? clock.get() : before.createdAt(), status, stage, reason));
  }

  public void weights(int blue, int green) {
    deployments.values().stream()
        .filter(d -> d.status().equals("IN_PROGRESS"))
        .forEach(
            d ->
                check(
                    () -> DeliveryRules.productionShiftsOnlyInItsStage(d.lifecycleStage(), green)));
    weights = weightsOf(blue, green);
  }

  private static Map<String, Integer> weightsOf(int blue, int green) {
    Map<String, Integer> weights = new LinkedHashMap<>();
    weights.put(BLUE, blue);
    weights.put(GREEN, green);
    return weights;
  }

  /** One line of the hook's log, as hook/ValidationHook prints it. */
  public void hookAnswer(int attempt, String outcome, String reason) {
    hookFailed |= outcome.equals("FAILED");
    hookLines.add(
        new LogsGateway.LogLine(
            clock.get(),
            "2026/11/27/[$LATEST]1",
            "{\"event\":\"validation\",\"revision\":\"rev\",\"attempt\":"
                + attempt
                + ",\"outcome\":\""
                + outcome
                + "\",\"reason\":\""
                + reason
                + "\"}"));
  }

  /**
   * The next {@code times} calls of {@code operation} are throttled, as AWS answers when its rate
   * is exceeded.
   */
  public void throttle(String operation, int times) {
    throttled.put(operation, times);
  }

  /** The service now runs a new task definition with these images. */
  public void runs(String taskDefinitionArn, Map<String, String> images) {
    taskDefinitions.put(taskDefinitionArn, Map.copyOf(images));
    taskDefinition = taskDefinitionArn;
  }

  // ---- what a test asserts -------------------------------------------------------------------

  public List<String> calls() {
    return List.copyOf(calls);
  }

  public List<String> violations() {
    return List.copyOf(violations);
  }

  /** Key to user metadata of every upload. */
  public Map<String, Map<String, String>> uploads() {
    return Map.copyOf(uploads);
  }

  public String executionStatus() {
    return executionStatus;
  }

  // ---- the gateways --------------------------------------------------------------------------

  public Aws gateways() {
    return new Aws(
        stacksGateway(),
        unsupported(AccountGateway.class),
        unsupported(gifmachine.cli.aws.SecretsGateway.class),
        unsupported(gifmachine.cli.aws.RegistryGateway.class),
        unsupported(gifmachine.cli.aws.BucketGateway.class),
        new Services(),
        new Logs(),
        unsupported(gifmachine.cli.aws.TaggingGateway.class),
        gifmachine.cli.aws.DatabaseGateway.unavailable(),
        stacksGateway(),
        new Pipelines(),
        () -> {});
  }

  private void check(Runnable rule) {
    try {
      rule.run();
    } catch (RuleViolation e) {
      violations.add(e.getMessage());
      throw e;
    }
  }

  /** Applies every scripted change that is due. */
  private void advance(String call) {
    if (throttled.getOrDefault(call, 0) > 0) {
      throttled.merge(call, -1, Integer::sum);
      calls.add(call + " (throttled)");
      throw new AwsCallException(AwsCallException.Kind.THROTTLED, call, "Rate exceeded");
    }
    calls.add(call);
    if (started == null) {
      return;
    }
    Instant now = clock.get();
    script.sort(
        java.util.Comparator.comparing(
            Change::after)); // stable: same-time changes keep their order
    while (!script.isEmpty() && !started.plus(script.getFirst().after()).isAfter(now)) {
      script.removeFirst().change().run();
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> T unsupported(Class<T> type) {
    return (T)
        java.lang.reflect.Proxy.newProxyInstance(
            type.getClassLoader(),
            new Class<?>[] {type},
            (proxy, method, args) -> {
              throw new UnsupportedOperationException(
                  "a release does not call " + type.getSimpleName() + "." + method.getName());
            });
  }

  private static AwsCallException notFound(String operation, String what) {
    return new AwsCallException(
        AwsCallException.Kind.NOT_FOUND, operation, what + " does not exist");
  }

  private final class Pipelines implements PipelineGateway {
    @Override
    public String upload(String bucket, String key, Path file, Map<String, String> metadata) {
      advance("S3.PutObject");
      if (!bucket.equals(SOURCE_BUCKET)) {
        throw notFound("S3.PutObject", "bucket " + bucket);
      }
      uploads.put(key, Map.copyOf(metadata));
      return "v" + (++versions);
    }

    @Override
    public String start(String pipeline, Optional<SourceOverride> source) {
      advance("CodePipeline.StartPipelineExecution");
      if (!pipeline.equals(PIPELINE)) {
        throw notFound("CodePipeline.StartPipelineExecution", "pipeline " + pipeline);
      }
      started = clock.get();
      executionId = "e" + (history.size() + 1) + "-0000-0000-0000-000000000000";
      executionStatus = "InProgress";
      history.addFirst(
          new Execution(
              executionId,
              "InProgress",
              "",
              started,
              started,
              List.of(
                  new SourceRevision(
                      source.map(SourceOverride::action).orElse("Source"),
                      source.map(SourceOverride::objectVersionId).orElse(""),
                      uploads
                          .getOrDefault("source.zip", Map.of())
                          .getOrDefault(REVISION_SUMMARY_METADATA, "")))));
      advance("(start)");
      return executionId;
    }

    @Override
    public Execution execution(String pipeline, String id) {
      advance("CodePipeline.GetPipelineExecution");
      if (!id.equals(executionId)) {
        throw notFound("CodePipeline.GetPipelineExecution", "execution " + id);
      }
      return new Execution(
          id, executionStatus, executionSummary, Instant.EPOCH, Instant.EPOCH, List.of());
    }

    @Override
    public List<Execution> executions(String pipeline, int max) {
      advance("CodePipeline.ListPipelineExecutions");
      return history.stream()
          .map(
              e ->
                  e.id().equals(executionId)
                      ? new Execution(
                          e.id(),
                          executionStatus,
                          executionSummary,
                          e.started(),
                          clock.get(),
                          e.sources())
                      : e)
          .limit(max)
          .toList();
    }

    @Override
    public List<StageState> state(String pipeline) {
      advance("CodePipeline.GetPipelineState");
      return stageNames.stream()
          .map(
              s ->
                  new StageState(
                      s,
                      stageStatus.containsKey(s) ? executionId : "",
                      stageStatus.getOrDefault(s, ""),
                      actions.get(s).isEmpty()
                          ? List.of(new ActionState(s, "", "", "", ""))
                          : List.copyOf(actions.get(s).values())))
          .toList();
    }

    @Override
    public Optional<PipelineGateway.Build> build(String buildId) {
      advance("CodeBuild.BatchGetBuilds");
      return Optional.ofNullable(builds.get(buildId))
          .map(
              b -> {
                PipelineGateway.BuildPhase last = b.phases().getLast();
                boolean done = last.type().equals("COMPLETED");
                String status =
                    !done
                        ? "IN_PROGRESS"
                        : b.phases().stream()
                            .filter(p -> !p.status().equals("SUCCEEDED") && !p.status().isEmpty())
                            .map(PipelineGateway.BuildPhase::status)
                            .findFirst()
                            .orElse("SUCCEEDED");
                return new PipelineGateway.Build(
                    b.id(),
                    status,
                    last.type(),
                    List.copyOf(b.phases()),
                    "/aws/codebuild/build-logs",
                    b.id().substring(b.id().indexOf(':') + 1));
              });
    }

    @Override
    public List<String> logTail(String logGroup, String logStream, int lines) {
      advance("Logs.GetLogEvents");
      ScriptedBuild build =
          builds.values().stream()
              .filter(b -> b.id().endsWith(":" + logStream))
              .findFirst()
              .orElseThrow(() -> notFound("Logs.GetLogEvents", "log stream " + logStream));
      return List.copyOf(
          build.log().subList(Math.max(0, build.log().size() - lines), build.log().size()));
    }
  }

  private final class Services implements ServiceGateway {
    @Override
    public Optional<ServiceInfo> describeService(String cluster, String service) {
      advance("ECS.DescribeServices");
      boolean steady =
          deployments.values().stream().noneMatch(d -> d.status().endsWith("IN_PROGRESS"));
      return Optional.of(
          new ServiceInfo(service, "ACTIVE", 2, 2, 0, taskDefinition, steady ? 1 : 2, "ECS"));
    }

    @Override
    public Map<String, String> containerImages(String taskDefinitionArn) {
      advance("ECS.DescribeTaskDefinition");
      return taskDefinitions.get(taskDefinitionArn);
    }

    @Override
    public List<TargetHealth> targetHealth(String targetGroupArn) {
      advance("ELBv2.DescribeTargetHealth");
      return List.of();
    }

    @Override
    public Map<String, Integer> ruleWeights(String listenerRuleArn) {
      advance("ELBv2.DescribeRules");
      return weights;
    }

    @Override
    public List<ServiceDeployment> serviceDeployments(
        String cluster, String service, Instant since) {
      advance("ECS.ListServiceDeployments");
      return deployments.values().stream().filter(d -> !d.createdAt().isBefore(since)).toList();
    }

    @Override
    public List<ServiceDeployment> ongoingServiceDeployments(String cluster, String service) {
      advance("ECS.ListServiceDeployments");
      return deployments.values().stream()
          .filter(
              d ->
                  !d.status().equals("SUCCESSFUL")
                      && !d.status().equals("STOPPED")
                      && !d.status().equals("ROLLBACK_SUCCESSFUL")
                      && !d.status().equals("ROLLBACK_FAILED"))
          .toList();
    }

    @Override
    public void rollBackServiceDeployment(String serviceDeploymentArn) {
      throw new UnsupportedOperationException("a release never stops a deployment (rollback does)");
    }

    @Override
    public List<String> taskDefinitions(String family, boolean active) {
      throw new UnsupportedOperationException("a release does not list task definitions");
    }

    @Override
    public void deregisterTaskDefinition(String arn) {
      throw new UnsupportedOperationException("a release does not deregister task definitions");
    }

    @Override
    public Map<String, String> deleteTaskDefinitions(List<String> arns) {
      throw new UnsupportedOperationException("a release does not delete task definitions");
    }
  }

  private final class Logs implements LogsGateway {
    @Override
    public Page filter(String logGroup, Instant since, String filterPattern, String nextToken) {
      advance("Logs.FilterLogEvents");
      if (!logGroup.equals(HOOK_LOG_GROUP)) {
        throw notFound("Logs.FilterLogEvents", "log group " + logGroup);
      }
      return new Page(
          hookLines.stream().filter(l -> !l.timestamp().isBefore(since)).toList(),
          Optional.empty());
    }

    @Override
    public List<String> logGroups(String prefix) {
      throw new UnsupportedOperationException("a release does not list log groups");
    }

    @Override
    public void deleteLogGroup(String name) {
      throw new UnsupportedOperationException("a release does not delete log groups");
    }
  }

  /** DescribeStacks only: a release changes no stack, so every other call fails. */
  private CloudFormationGateway stacksGateway() {
    return (CloudFormationGateway)
        java.lang.reflect.Proxy.newProxyInstance(
            CloudFormationGateway.class.getClassLoader(),
            new Class<?>[] {CloudFormationGateway.class},
            (proxy, method, args) -> {
              if (method.getName().equals("describe")) {
                advance("CloudFormation.DescribeStacks");
                return Optional.ofNullable(stacks.get((String) args[0]));
              }
              throw new UnsupportedOperationException(
                  "a release does not call CloudFormation." + method.getName());
            });
  }
}
