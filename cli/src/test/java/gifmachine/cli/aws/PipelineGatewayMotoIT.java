package gifmachine.cli.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gifmachine.cli.iam.RecordedAwsCalls;
import gifmachine.cli.testing.MotoServer;
import gifmachine.infra.DeploymentConfig;
import gifmachine.infra.iam.OperatorPolicy;
import gifmachine.infra.iam.PolicyStatement;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.codepipeline.CodePipelineClient;
import software.amazon.awssdk.services.codepipeline.model.ActionCategory;
import software.amazon.awssdk.services.codepipeline.model.ActionOwner;
import software.amazon.awssdk.services.codepipeline.model.ArtifactStoreType;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@link SdkPipelineGateway} through the real SDK clients against moto, for the calls moto has: the
 * source upload (S3 PutObject on a versioned bucket, with the revision summary metadata),
 * StartPipelineExecution with a source revision override, GetPipelineExecution,
 * ListPipelineExecutions, BatchGetBuilds and GetLogEvents; and every call they make is one {@code
 * iam-policy} allows. (moto has no GetPipelineState and runs no actions: the following is tested on
 * {@code ScriptedDelivery}.)
 */
@ExtendWith(MotoServer.class)
class PipelineGatewayMotoIT {

  static final String REGION = "eu-west-1";
  static final String PIPELINE = "test-acme-pipeline-Pipeline";
  static final String BUCKET = "test-acme-pipeline-sourcebucket";

  final MotoServer.Endpoint moto;
  Aws aws;
  @TempDir Path dir;

  PipelineGatewayMotoIT(MotoServer.Endpoint moto) {
    this.moto = moto;
  }

  @BeforeEach
  void pipeline() throws Exception {
    moto.reset();
    aws = moto.connect(REGION);
    try (S3Client s3 = raw(S3Client.builder().forcePathStyle(true));
        IamClient iam = raw(IamClient.builder());
        CodePipelineClient pipelines = raw(CodePipelineClient.builder())) {
      s3.createBucket(
          r -> r.bucket(BUCKET).createBucketConfiguration(c -> c.locationConstraint(REGION)));
      s3.putBucketVersioning(
          r -> r.bucket(BUCKET).versioningConfiguration(v -> v.status("Enabled")));
      String role =
          iam.createRole(
                  r ->
                      r.roleName("test-acme-pipeline-role")
                          .assumeRolePolicyDocument(
                              """
          {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"codepipeline.amazonaws.com"},
          "Action":"sts:AssumeRole"}]}"""))
              .role()
              .arn();
      pipelines.createPipeline(
          r ->
              r.pipeline(
                  p ->
                      p.name(PIPELINE)
                          .roleArn(role)
                          .artifactStore(a -> a.type(ArtifactStoreType.S3).location(BUCKET))
                          .stages(
                              s ->
                                  s.name("Source")
                                      .actions(
                                          a ->
                                              a.name("Source")
                                                  .actionTypeId(
                                                      t ->
                                                          t.category(ActionCategory.SOURCE)
                                                              .owner(ActionOwner.AWS)
                                                              .provider("S3")
                                                              .version("1"))
                                                  .configuration(
                                                      Map.of(
                                                          "S3Bucket",
                                                          BUCKET,
                                                          "S3ObjectKey",
                                                          "source.zip",
                                                          "PollForSourceChanges",
                                                          "false"))
                                                  .outputArtifacts(o -> o.name("Source"))),
                              s ->
                                  s.name("Build")
                                      .actions(
                                          a ->
                                              a.name("Images")
                                                  .actionTypeId(
                                                      t ->
                                                          t.category(ActionCategory.BUILD)
                                                              .owner(ActionOwner.AWS)
                                                              .provider("CodeBuild")
                                                              .version("1"))
                                                  .configuration(
                                                      Map.of("ProjectName", "test-acme-build"))
                                                  .inputArtifacts(i -> i.name("Source"))))));
    }
    RecordedAwsCalls.clear();
  }

  @AfterEach
  void close() throws Exception {
    aws.close();
  }

  @Test
  void the_source_is_uploaded_with_its_commit_and_an_execution_starts_pinned_to_that_version()
      throws Exception {
    Path zip =
        Files.write(
            dir.resolve("source.zip"),
            new byte[] {'P', 'K', 5, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});

    String version =
        aws.pipelines()
            .upload(
                BUCKET,
                "source.zip",
                zip,
                Map.of(PipelineGateway.REVISION_SUMMARY_METADATA, "commit 0123456789ab"));
    String first =
        aws.pipelines()
            .start(PIPELINE, Optional.of(new PipelineGateway.SourceOverride("Source", version)));
    String second = aws.pipelines().start(PIPELINE, Optional.empty());

    assertThat(version).isNotBlank();
    assertThat(first).isNotBlank().isNotEqualTo(second);
    // moto runs no actions: an execution has succeeded as soon as it started.
    assertThat(aws.pipelines().execution(PIPELINE, first).status()).isIn("InProgress", "Succeeded");
    assertThat(aws.pipelines().executions(PIPELINE, 5))
        .extracting(PipelineGateway.Execution::id)
        .containsExactly(second, first);
    assertCallsAllowed();
    try (S3Client s3 = raw(S3Client.builder().forcePathStyle(true))) {
      assertThat(
              s3.headObject(r -> r.bucket(BUCKET).key("source.zip").versionId(version)).metadata())
          .containsEntry(PipelineGateway.REVISION_SUMMARY_METADATA, "commit 0123456789ab");
    }
  }

  @Test
  void an_unknown_pipeline_or_bucket_is_an_aws_error_naming_it() throws Exception {
    Path zip = Files.write(dir.resolve("source.zip"), new byte[] {1});

    assertThatThrownBy(() -> aws.pipelines().start("test-acme-nothing", Optional.empty()))
        .isInstanceOf(AwsCallException.class)
        .hasMessageContaining("test-acme-nothing");
    assertThatThrownBy(
            () -> aws.pipelines().upload("test-acme-no-bucket", "source.zip", zip, Map.of()))
        .isInstanceOf(AwsCallException.class)
        .satisfies(
            e ->
                assertThat(((AwsCallException) e).kind())
                    .isEqualTo(AwsCallException.Kind.NOT_FOUND));
  }

  @Test
  void the_last_lines_of_a_build_log_are_read_oldest_first() {
    try (CloudWatchLogsClient logs = raw(CloudWatchLogsClient.builder())) {
      logs.createLogGroup(r -> r.logGroupName("test-acme-pipeline-BuildLogs"));
      logs.createLogStream(
          r -> r.logGroupName("test-acme-pipeline-BuildLogs").logStreamName("build-1"));
      long now = System.currentTimeMillis();
      logs.putLogEvents(
          r ->
              r.logGroupName("test-acme-pipeline-BuildLogs")
                  .logStreamName("build-1")
                  .logEvents(
                      List.of(1, 2, 3, 4, 5).stream()
                          .map(
                              i ->
                                  software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent
                                      .builder()
                                      .timestamp(now + i)
                                      .message("line " + i + "\n")
                                      .build())
                          .toList()));
    }
    RecordedAwsCalls.clear();

    assertThat(aws.pipelines().logTail("test-acme-pipeline-BuildLogs", "build-1", 2))
        .containsExactly("line 4", "line 5");
    assertThat(aws.pipelines().build("test-acme-build:00000000-0000-0000-0000-000000000001"))
        .isEmpty();
    assertCallsAllowed();
  }

  private static void assertCallsAllowed() {
    Set<String> allowed = new TreeSet<>();
    String image = "123456789012.dkr.ecr." + REGION + ".amazonaws.com/test-acme/any:latest";
    OperatorPolicy.statements(
            DeploymentConfig.builder("test", "acme", REGION)
                .images(gifmachine.infra.ImageSet.of(name -> image))
                .build(),
            "123456789012")
        .stream()
        .map(PolicyStatement::actions)
        .forEach(allowed::addAll);
    Set<String> denied = new TreeSet<>(RecordedAwsCalls.actions());
    denied.removeAll(allowed);
    assertThat(RecordedAwsCalls.actions()).isNotEmpty();
    assertThat(denied).as("calls iam-policy does not allow").isEmpty();
  }

  private <B extends AwsClientBuilder<B, C>, C> C raw(B builder) {
    return builder
        .region(Region.of(REGION))
        .endpointOverride(URI.create(moto.url()))
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
        .build();
  }
}
