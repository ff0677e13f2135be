package gifmachine.cli.aws;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The delivery pipeline as {@code release} and {@code status} see it: the source upload to S3,
 * CodePipeline's executions and per-stage state, a CodeBuild build's phases, and the last lines of
 * its CloudWatch log stream. Statuses are AWS's own strings, read generically (whatever stages the
 * pipeline has): execution {@code InProgress | Stopping | Stopped | Succeeded | Superseded | Failed
 * | Cancelled}
 * (https://docs.aws.amazon.com/codepipeline/latest/APIReference/API_PipelineExecution.html).
 */
public interface PipelineGateway {

  /** S3 object metadata whose value CodePipeline shows as an S3 source's revision summary. */
  String REVISION_SUMMARY_METADATA = "codepipeline-artifact-revision-summary";

  /**
   * One source revision of an execution (ListPipelineExecutions' sourceRevisions).
   *
   * @param revisionId for an S3 source, the object's version id
   * @param summary for an S3 source, the object's {@value #REVISION_SUMMARY_METADATA} metadata
   */
  record SourceRevision(String action, String revisionId, String summary) {}

  /**
   * One pipeline execution; {@code summary} is AWS's status summary, blank when none; the times are
   * {@link Instant#EPOCH} where the call does not report them (GetPipelineExecution).
   */
  record Execution(
      String id,
      String status,
      String summary,
      Instant started,
      Instant updated,
      List<SourceRevision> sources) {}

  /**
   * One action of a stage, as GetPipelineState reports its latest execution.
   *
   * @param externalId the action provider's id, for a CodeBuild action the build id
   * @param error the error details' message, blank when none
   */
  record ActionState(String name, String status, String externalId, String summary, String error) {}

  /** One stage and the pipeline execution it last ran for; {@code status} blank before any. */
  record StageState(String name, String executionId, String status, List<ActionState> actions) {}

  /** One CodeBuild phase; {@code context} joins its contexts' status codes and messages. */
  record BuildPhase(String type, String status, String context) {}

  /** A CodeBuild build (BatchGetBuilds) and where its log stream is, blank when unknown. */
  record Build(
      String id,
      String status,
      String currentPhase,
      List<BuildPhase> phases,
      String logGroup,
      String logStream) {}

  /**
   * Uploads {@code file} to {@code bucket}/{@code key} with user metadata; returns the object's
   * version id (blank unversioned).
   */
  String upload(String bucket, String key, Path file, Map<String, String> metadata);

  /**
   * Starts an execution (StartPipelineExecution); with a version id, pinned to that version of the
   * source action's object, so a later upload cannot slip into this release.
   */
  String start(String pipeline, Optional<SourceOverride> source);

  /** The S3 source action to pin and the object version it runs on. */
  record SourceOverride(String action, String objectVersionId) {}

  Execution execution(String pipeline, String executionId);

  /** The latest executions, newest first. */
  List<Execution> executions(String pipeline, int max);

  /** Every stage in pipeline order (GetPipelineState). */
  List<StageState> state(String pipeline);

  Optional<Build> build(String buildId);

  /** The last {@code lines} events of one log stream, oldest first. */
  List<String> logTail(String logGroup, String logStream, int lines);

  /** For an {@link Aws} built without a pipeline: every call fails as not connected. */
  static PipelineGateway unavailable() {
    return (PipelineGateway)
        java.lang.reflect.Proxy.newProxyInstance(
            PipelineGateway.class.getClassLoader(),
            new Class<?>[] {PipelineGateway.class},
            (proxy, method, args) -> {
              throw new UnsupportedOperationException("no pipeline gateway: " + method.getName());
            });
  }
}
