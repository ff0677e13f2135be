package gifmachine.infra;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.codebuild.BuildEnvironment;
import software.amazon.awscdk.services.codebuild.BuildSpec;
import software.amazon.awscdk.services.codebuild.ComputeType;
import software.amazon.awscdk.services.codebuild.LinuxArmBuildImage;
import software.amazon.awscdk.services.codebuild.LinuxBuildImage;
import software.amazon.awscdk.services.codebuild.PipelineProject;
import software.amazon.awscdk.services.codepipeline.Artifact;
import software.amazon.awscdk.services.codepipeline.Pipeline;
import software.amazon.awscdk.services.codepipeline.PipelineType;
import software.amazon.awscdk.services.codepipeline.StageProps;
import software.amazon.awscdk.services.codepipeline.actions.CodeBuildAction;
import software.amazon.awscdk.services.codepipeline.actions.S3SourceAction;
import software.amazon.awscdk.services.codepipeline.actions.S3Trigger;
import software.amazon.awscdk.services.ecr.Repository;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.constructs.Construct;

/**
 * Delivery: CodePipeline with an S3 source ({@code source.zip} of the repository, uploaded by
 * the CLI, which then starts the pipeline), a Docker-free CodeBuild step that builds the CLI and
 * runs {@code images push} (jib straight to ECR, writing {@code taskdef.json} and {@code
 * appspec.yaml}). Its deploy stage is being rebuilt on ECS's own blue/green (issue 10).
 */
public final class PipelineStack extends Stack {

  static final String SOURCE_KEY = "source.zip";
  static final String CLI_JAR = "cli/target/cli-0.1.0-SNAPSHOT-all.jar";

  public PipelineStack(Construct scope, String id, StackProps props, DeploymentConfig config,
      RegistryStack registry, GifmachineStack gifmachine) {
    super(scope, id, props);
    Bucket source = bucket("Source");
    Bucket artifacts = bucket("Artifacts");

    LogGroup buildLogs = LogGroup.Builder.create(this, "BuildLogs")
        .retention(GifmachineStack.LOG_RETENTION)
        .removalPolicy(RemovalPolicy.DESTROY)
        .build();
    PipelineProject build = PipelineProject.Builder.create(this, "Build")
        .description("Builds the images of " + config.deploymentName() + " without Docker")
        .environment(BuildEnvironment.builder()
            .buildImage(config.graviton()
                ? LinuxArmBuildImage.AMAZON_LINUX_2_STANDARD_3_0
                : LinuxBuildImage.AMAZON_LINUX_2_5)
            .computeType(ComputeType.SMALL)
            .privileged(false)
            .build())
        .timeout(Duration.minutes(30))
        .buildSpec(BuildSpec.fromObject(buildSpec(config)))
        .logging(software.amazon.awscdk.services.codebuild.LoggingOptions.builder()
            .cloudWatch(software.amazon.awscdk.services.codebuild.CloudWatchLoggingOptions
                .builder().logGroup(buildLogs).build())
            .build())
        .build();
    for (Repository repository : registry.repositories()) {
      repository.grantPullPush(build);
    }
    // `images push --deployment` reads the repository URIs and the service's names from our
    // stacks' outputs, and the service's current task definition as the template of taskdef.json.
    build.addToRolePolicy(PolicyStatement.Builder.create()
        .actions(List.of("ecs:DescribeServices"))
        .resources(List.of(gifmachine.service().getServiceArn()))
        .build());
    // DescribeTaskDefinition has no resource-level permissions: AWS offers nothing narrower.
    build.addToRolePolicy(PolicyStatement.Builder.create()
        .actions(List.of("ecs:DescribeTaskDefinition"))
        .resources(List.of("*"))
        .build());
    build.addToRolePolicy(PolicyStatement.Builder.create()
        .actions(List.of("cloudformation:DescribeStacks"))
        .resources(List.of(Stack.of(this).formatArn(software.amazon.awscdk.ArnComponents.builder()
            .service("cloudformation")
            .resource("stack")
            .resourceName(config.deploymentName() + "-*")
            .build())))
        .build());

    Artifact sourceOutput = new Artifact("Source");
    Artifact buildOutput = new Artifact("Build");
    Pipeline pipeline = Pipeline.Builder.create(this, "Pipeline")
        .pipelineType(PipelineType.V2)
        .artifactBucket(artifacts)
        // No KMS key per pipeline ($1/month): same-account artifacts use the bucket's SSE.
        .crossAccountKeys(false)
        .restartExecutionOnUpdate(false)
        .stages(List.of(
            StageProps.builder().stageName("Source").actions(List.of(
                S3SourceAction.Builder.create()
                    .actionName("Source")
                    .bucket(source)
                    .bucketKey(SOURCE_KEY)
                    // Events would need a CloudTrail trail or a bucket-notification custom
                    // resource; the CLI starts the pipeline after uploading instead.
                    .trigger(S3Trigger.NONE)
                    .output(sourceOutput)
                    .build())).build(),
            StageProps.builder().stageName("Build").actions(List.of(
                CodeBuildAction.Builder.create()
                    .actionName("Images")
                    .project(build)
                    .input(sourceOutput)
                    .outputs(List.of(buildOutput))
                    .build())).build()))
        // No CodeDeploy stage: CodeDeploy cannot deploy a service under ECS's own blue/green
        // controller. The Deploy stage that runs `up` is issue 10's (delivery).
        .build();

    CfnOutput.Builder.create(this, StackOutputs.PIPELINE_NAME)
        .value(pipeline.getPipelineName()).build();
    CfnOutput.Builder.create(this, StackOutputs.SOURCE_BUCKET_NAME)
        .value(source.getBucketName()).build();
    CfnOutput.Builder.create(this, StackOutputs.ARTIFACT_BUCKET_NAME)
        .value(artifacts.getBucketName()).build();
  }

  /** The build: the CLI from source, then its Docker-free image push. */
  static String pushCommand(DeploymentConfig config) {
    return "java -jar " + CLI_JAR + " images push --deployment " + config.deploymentName()
        + " --region " + config.region()
        + " --platform " + (config.graviton() ? "arm64" : "amd64")
        + " --task-definition-template current-taskdef.json"
        + " --task-definition-out taskdef.json --appspec-out appspec.yaml";
  }

  /**
   * The service's task definition, the template of the new revision's taskdef.json. The AWS CLI
   * on the build image fetches it whole (the build role may describe task definitions).
   */
  static String currentTaskDefinitionCommand(DeploymentConfig config) {
    return "aws ecs describe-task-definition --task-definition " + config.deploymentName()
        + "-gifmachine --region " + config.region()
        + " --query taskDefinition --output json > current-taskdef.json";
  }

  private static Map<String, Object> buildSpec(DeploymentConfig config) {
    return Map.of(
        "version", "0.2",
        "phases", Map.of(
            "install", Map.of("runtime-versions", Map.of("java", "corretto21")),
            "build", Map.of("commands", List.of(
                "./mvnw -B -pl cli -am package -DskipTests",
                currentTaskDefinitionCommand(config),
                pushCommand(config)))),
        "artifacts", Map.of("files", List.of("taskdef.json", "appspec.yaml")),
        "cache", Map.of("paths", List.of("/root/.m2/**/*")));
  }

  private Bucket bucket(String id) {
    return Bucket.Builder.create(this, id)
        .versioned(true)
        .encryption(BucketEncryption.S3_MANAGED)
        .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
        .enforceSsl(true)
        // Versions pile up with every push; a month of history is enough to roll back.
        .lifecycleRules(List.of(LifecycleRule.builder()
            .noncurrentVersionExpiration(Duration.days(30))
            .abortIncompleteMultipartUploadAfter(Duration.days(1))
            .build()))
        // Emptied by `down` (no autoDeleteObjects: that is a custom resource).
        .removalPolicy(RemovalPolicy.DESTROY)
        .build();
  }
}
