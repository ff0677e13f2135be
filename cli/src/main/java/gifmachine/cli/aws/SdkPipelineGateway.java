package gifmachine.cli.aws;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.OutputLogEvent;
import software.amazon.awssdk.services.codebuild.CodeBuildClient;
import software.amazon.awssdk.services.codepipeline.CodePipelineClient;
import software.amazon.awssdk.services.codepipeline.model.PipelineExecutionSummary;
import software.amazon.awssdk.services.codepipeline.model.SourceRevisionType;
import software.amazon.awssdk.services.s3.S3Client;

/** {@link PipelineGateway} on S3, CodePipeline, CodeBuild and CloudWatch Logs. */
public final class SdkPipelineGateway implements PipelineGateway {

  private final S3Client s3;
  private final CodePipelineClient pipelines;
  private final CodeBuildClient builds;
  private final CloudWatchLogsClient logs;

  public SdkPipelineGateway(
      S3Client s3,
      CodePipelineClient pipelines,
      CodeBuildClient builds,
      CloudWatchLogsClient logs) {
    this.s3 = s3;
    this.pipelines = pipelines;
    this.builds = builds;
    this.logs = logs;
  }

  @Override
  public String upload(String bucket, String key, Path file, Map<String, String> metadata) {
    String version =
        AwsErrors.call(
            "S3.PutObject",
            () ->
                s3.putObject(
                        r ->
                            r.bucket(bucket)
                                .key(key)
                                .contentType("application/zip")
                                .metadata(metadata),
                        RequestBody.fromFile(file))
                    .versionId());
    return version == null ? "" : version;
  }

  @Override
  public String start(String pipeline, Optional<SourceOverride> source) {
    // Source revision overrides (V2 pipelines):
    // https://docs.aws.amazon.com/codepipeline/latest/userguide/pipelines-trigger-source-overrides.html
    return AwsErrors.call(
        "CodePipeline.StartPipelineExecution",
        () ->
            pipelines
                .startPipelineExecution(
                    r -> {
                      r.name(pipeline);
                      source
                          .filter(s -> !s.objectVersionId().isBlank())
                          .ifPresent(
                              s ->
                                  r.sourceRevisions(
                                      o ->
                                          o.actionName(s.action())
                                              .revisionType(SourceRevisionType.S3_OBJECT_VERSION_ID)
                                              .revisionValue(s.objectVersionId())));
                    })
                .pipelineExecutionId());
  }

  @Override
  public Execution execution(String pipeline, String executionId) {
    var e =
        AwsErrors.call(
            "CodePipeline.GetPipelineExecution",
            () ->
                pipelines
                    .getPipelineExecution(
                        r -> r.pipelineName(pipeline).pipelineExecutionId(executionId))
                    .pipelineExecution());
    List<SourceRevision> sources =
        e.artifactRevisions().stream()
            .map(
                a ->
                    new SourceRevision(
                        orBlank(a.name()), orBlank(a.revisionId()), orBlank(a.revisionSummary())))
            .toList();
    // GetPipelineExecution reports no times; ListPipelineExecutions does.
    return new Execution(
        e.pipelineExecutionId(),
        orBlank(e.statusAsString()),
        orBlank(e.statusSummary()),
        Instant.EPOCH,
        Instant.EPOCH,
        sources);
  }

  @Override
  public List<Execution> executions(String pipeline, int max) {
    List<PipelineExecutionSummary> summaries =
        AwsErrors.call(
            "CodePipeline.ListPipelineExecutions",
            () ->
                pipelines
                    .listPipelineExecutions(r -> r.pipelineName(pipeline).maxResults(max))
                    .pipelineExecutionSummaries());
    return summaries.stream()
        .map(
            s ->
                new Execution(
                    s.pipelineExecutionId(),
                    orBlank(s.statusAsString()),
                    orBlank(s.statusSummary()),
                    s.startTime(),
                    s.lastUpdateTime(),
                    s.sourceRevisions().stream()
                        .map(
                            v ->
                                new SourceRevision(
                                    orBlank(v.actionName()),
                                    orBlank(v.revisionId()),
                                    orBlank(v.revisionSummary())))
                        .toList()))
        .toList();
  }

  @Override
  public List<StageState> state(String pipeline) {
    List<software.amazon.awssdk.services.codepipeline.model.StageState> stages =
        AwsErrors.call(
            "CodePipeline.GetPipelineState",
            () -> pipelines.getPipelineState(r -> r.name(pipeline)).stageStates());
    return stages.stream()
        .map(
            s ->
                new PipelineGateway.StageState(
                    s.stageName(),
                    s.latestExecution() == null
                        ? ""
                        : orBlank(s.latestExecution().pipelineExecutionId()),
                    s.latestExecution() == null
                        ? ""
                        : orBlank(s.latestExecution().statusAsString()),
                    s.actionStates().stream().map(SdkPipelineGateway::action).toList()))
        .toList();
  }

  private static PipelineGateway.ActionState action(
      software.amazon.awssdk.services.codepipeline.model.ActionState a) {
    var latest = a.latestExecution();
    if (latest == null) {
      return new PipelineGateway.ActionState(a.actionName(), "", "", "", "");
    }
    return new PipelineGateway.ActionState(
        a.actionName(),
        orBlank(latest.statusAsString()),
        orBlank(latest.externalExecutionId()),
        orBlank(latest.summary()),
        latest.errorDetails() == null ? "" : orBlank(latest.errorDetails().message()));
  }

  @Override
  public Optional<Build> build(String buildId) {
    var found =
        AwsErrors.call(
            "CodeBuild.BatchGetBuilds", () -> builds.batchGetBuilds(r -> r.ids(buildId)).builds());
    return found.stream()
        .findFirst()
        .map(
            b ->
                new Build(
                    b.id(),
                    orBlank(b.buildStatusAsString()),
                    orBlank(b.currentPhase()),
                    b.phases().stream()
                        .map(
                            p ->
                                new BuildPhase(
                                    orBlank(p.phaseTypeAsString()),
                                    orBlank(p.phaseStatusAsString()),
                                    p.contexts().stream()
                                        .map(
                                            c ->
                                                (orBlank(c.statusCode())
                                                        + " "
                                                        + orBlank(c.message()))
                                                    .strip())
                                        .filter(s -> !s.isBlank())
                                        .collect(Collectors.joining("; "))))
                        .toList(),
                    b.logs() == null ? "" : orBlank(b.logs().groupName()),
                    b.logs() == null ? "" : orBlank(b.logs().streamName())));
  }

  @Override
  public List<String> logTail(String logGroup, String logStream, int lines) {
    // startFromHead=false returns the newest events of the stream first page, in time order.
    // https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_GetLogEvents.html
    return AwsErrors.call(
        "Logs.GetLogEvents",
        () ->
            logs
                .getLogEvents(
                    r ->
                        r.logGroupName(logGroup)
                            .logStreamName(logStream)
                            .startFromHead(false)
                            .limit(lines))
                .events()
                .stream()
                .map(OutputLogEvent::message)
                .map(String::stripTrailing)
                .toList());
  }

  private static String orBlank(String value) {
    return value == null ? "" : value;
  }
}
