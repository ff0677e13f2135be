package gifmachine.infra;

import gifmachine.infra.iam.OperatorPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.codebuild.BucketCacheOptions;
import software.amazon.awscdk.services.codebuild.BuildEnvironment;
import software.amazon.awscdk.services.codebuild.BuildEnvironmentVariable;
import software.amazon.awscdk.services.codebuild.BuildSpec;
import software.amazon.awscdk.services.codebuild.Cache;
import software.amazon.awscdk.services.codebuild.ComputeType;
import software.amazon.awscdk.services.codebuild.LinuxArmBuildImage;
import software.amazon.awscdk.services.codebuild.PipelineProject;
import software.amazon.awscdk.services.codepipeline.Artifact;
import software.amazon.awscdk.services.codepipeline.ExecutionMode;
import software.amazon.awscdk.services.codepipeline.Pipeline;
import software.amazon.awscdk.services.codepipeline.PipelineType;
import software.amazon.awscdk.services.codepipeline.StageProps;
import software.amazon.awscdk.services.codepipeline.actions.CodeBuildAction;
import software.amazon.awscdk.services.codepipeline.actions.S3SourceAction;
import software.amazon.awscdk.services.codepipeline.actions.S3Trigger;
import software.amazon.awscdk.services.ecr.Repository;
import software.amazon.awscdk.services.iam.Policy;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.amazon.awscdk.services.s3.LifecycleRule;
import software.constructs.Construct;

/**
 * Delivery the way the operator deploys: CodePipeline with an S3 source ({@code source.zip} of the
 * repository, which {@code release} uploads before it starts an execution), a Docker-free build
 * that pushes the images with {@code images push} (Jib straight to ECR), and a Deploy stage that
 * runs {@code gifmachine-on-aws up --images images.json} with exactly the operator's IAM policy
 * ({@link OperatorPolicy}, what {@code iam-policy} prints). A change therefore reaches the tasks
 * one way only: {@code up} updates the stacks, and ECS's blue/green deployment of the service
 * (validation hook, alarms, bake time) moves the traffic.
 *
 * <p>Stage and action names are a contract ({@code release} and {@code status} follow them through
 * {@code GetPipelineState}): {@value #SOURCE_STAGE}/{@value #SOURCE_ACTION}, {@value
 * #BUILD_STAGE}/{@value #BUILD_ACTION}, {@value #DEPLOY_STAGE}/{@value #DEPLOY_ACTION}.
 */
public final class PipelineStack extends Stack {

  static final String SOURCE_KEY = "source.zip";
  static final String CLI_JAR = "cli/target/cli-0.1.0-SNAPSHOT-all.jar";
  static final String CACHE_PREFIX = "codebuild-cache";

  /** What the build writes and the Deploy stage reads: {@code images push --output json}. */
  static final String IMAGES_FILE = "images.json";

  /** Jib's layer cache, kept in the build cache so unchanged base layers are not pulled again. */
  static final String IMAGE_CACHE = "/root/.cache/gifmachine-on-aws/images";

  /** The S3 source action's output variables; its ETag names the source revision of the images. */
  static final String SOURCE_NAMESPACE = "SourceVariables";

  public static final String SOURCE_STAGE = "Source";
  public static final String SOURCE_ACTION = "Source";
  public static final String BUILD_STAGE = "Build";
  public static final String BUILD_ACTION = "Images";
  public static final String DEPLOY_STAGE = "Deploy";
  public static final String DEPLOY_ACTION = "Up";

  /**
   * Build and deploy both run on CodeBuild's smallest ARM instance: Jib builds images for either
   * architecture without running them, so the build host's architecture never matters, and {@code
   * arm1.small} is CodeBuild's cheapest on-demand Linux compute. Its image has Corretto 21 and
   * Node.js (which CDK's jsii runtime needs for {@code up}'s synthesis).
   * https://docs.aws.amazon.com/codebuild/latest/userguide/build-env-ref-available.html,
   * https://docs.aws.amazon.com/codebuild/latest/userguide/runtime-versions.html
   */
  private static final BuildEnvironment ENVIRONMENT =
      BuildEnvironment.builder()
          .buildImage(LinuxArmBuildImage.AMAZON_LINUX_2_STANDARD_3_0)
          .computeType(ComputeType.SMALL)
          .privileged(false)
          .build();

  public PipelineStack(
      Construct scope,
      String id,
      StackProps props,
      DeploymentConfig config,
      RegistryStack registry,
      GifmachineStack gifmachine) {
    super(scope, id, props);
    Bucket source = bucket("Source");
    Bucket artifacts = bucket("Artifacts");

    LogGroup buildLogs =
        LogGroup.Builder.create(this, "BuildLogs")
            .retention(GifmachineStack.LOG_RETENTION)
            .removalPolicy(RemovalPolicy.DESTROY)
            .build();
    PipelineProject build =
        PipelineProject.Builder.create(this, "Build")
            // Named, not generated: the operator's policy grants CodeBuild by the deployment's
            // name, and the form of a generated project name is not documented, so a prefix
            // grant could miss it.
            .projectName(config.deploymentName() + "-images")
            .description("Builds the images of " + config.deploymentName() + " without Docker")
            .environment(ENVIRONMENT)
            .timeout(Duration.minutes(30))
            .buildSpec(BuildSpec.fromObject(buildSpec(config)))
            // The buildspec names the Maven repository and Jib's layers as its cache; the project
            // must
            // turn the cache on, or CodeBuild ignores it and every run downloads ~200 MB of
            // dependencies again. S3, not local: a local cache only helps when the next build lands
            // on the same host.
            // https://docs.aws.amazon.com/codebuild/latest/userguide/build-caching.html
            .cache(
                Cache.bucket(artifacts, BucketCacheOptions.builder().prefix(CACHE_PREFIX).build()))
            .logging(logging(buildLogs))
            .build();
    for (Repository repository : registry.repositories()) {
      repository.grantPullPush(build);
    }
    // `images push --deployment` reads the repository URIs from our stacks' outputs; it no
    // longer writes taskdef.json, so the build needs nothing from ECS.
    build.addToRolePolicy(
        PolicyStatement.Builder.create()
            .actions(List.of("cloudformation:DescribeStacks"))
            .resources(
                List.of(
                    Stack.of(this)
                        .formatArn(
                            software.amazon.awscdk.ArnComponents.builder()
                                .service("cloudformation")
                                .resource("stack")
                                .resourceName(config.deploymentName() + "-*")
                                .build())))
            .build());

    PipelineProject deploy =
        PipelineProject.Builder.create(this, "Deploy")
            .projectName(config.deploymentName() + "-up")
            .description(
                "Runs gifmachine-on-aws up for "
                    + config.deploymentName()
                    + " with the images the build pushed")
            .environment(ENVIRONMENT)
            // up waits for ECS's blue/green deployment: test traffic, the hook, the traffic shift
            // (canary or linear steps take up to 10 min) and the bake time.
            .timeout(Duration.minutes(60))
            .buildSpec(BuildSpec.fromObject(deploySpec(config)))
            .logging(logging(buildLogs))
            .build();
    // The Deploy role holds exactly the operator's policy, generated by the same code that
    // `iam-policy` prints (OperatorPolicy lives in infra for this reason, and the CLI uses it
    // from here): the pipeline can do what an operator running `up` can, no more. Assuming the
    // CloudFormation execution role instead would hand the pipeline the rights to create any
    // resource type directly, which not even the operator has; CloudFormation keeps using that
    // role through iam:PassRole, as it does for the operator. docs/delivery.md.
    Policy operator =
        Policy.Builder.create(this, "OperatorPolicy")
            .statements(operatorStatements(config))
            .build();
    deploy.getRole().attachInlinePolicy(operator);

    Artifact sourceOutput = new Artifact("Source");
    Artifact buildOutput = new Artifact("Images");
    S3SourceAction sourceAction =
        S3SourceAction.Builder.create()
            .actionName(SOURCE_ACTION)
            .bucket(source)
            .bucketKey(SOURCE_KEY)
            // No polling and no events (PollForSourceChanges false, no EventBridge rule): an
            // execution starts only when `release` starts one after uploading.
            .trigger(S3Trigger.NONE)
            .variablesNamespace(SOURCE_NAMESPACE)
            .output(sourceOutput)
            .build();
    Pipeline pipeline =
        Pipeline.Builder.create(this, "Pipeline")
            .pipelineType(PipelineType.V2)
            // A newer release waiting to enter a stage replaces an older one: the latest source
            // wins, and a Deploy in progress is never interrupted.
            // https://docs.aws.amazon.com/codepipeline/latest/userguide/concepts-how-it-works.html
            .executionMode(ExecutionMode.SUPERSEDED)
            .artifactBucket(artifacts)
            // No KMS key per pipeline ($1/month): same-account artifacts use the bucket's SSE.
            .crossAccountKeys(false)
            // CloudFormation creating the pipeline starts one execution whatever the template says
            // (trigger type CreatePipeline,
            // https://docs.aws.amazon.com/codepipeline/latest/userguide/pipelines-about-starting.html).
            // It finds no source.zip until `release` uploads one and fails at its first action,
            // before any build minute is billed; `up` updating the stack starts none.
            .restartExecutionOnUpdate(false)
            .stages(
                List.of(
                    StageProps.builder()
                        .stageName(SOURCE_STAGE)
                        .actions(List.of(sourceAction))
                        .build(),
                    StageProps.builder()
                        .stageName(BUILD_STAGE)
                        .actions(
                            List.of(
                                CodeBuildAction.Builder.create()
                                    .actionName(BUILD_ACTION)
                                    .project(build)
                                    .input(sourceOutput)
                                    .outputs(List.of(buildOutput))
                                    .environmentVariables(
                                        Map.of(
                                            "SOURCE_ETAG",
                                            BuildEnvironmentVariable.builder()
                                                .value(sourceAction.getVariables().getETag())
                                                .build()))
                                    .build()))
                        .build(),
                    StageProps.builder()
                        .stageName(DEPLOY_STAGE)
                        .actions(
                            List.of(
                                CodeBuildAction.Builder.create()
                                    .actionName(DEPLOY_ACTION)
                                    .project(deploy)
                                    .input(buildOutput)
                                    .build()))
                        .build()))
            .build();

    CfnOutput.Builder.create(this, StackOutputs.PIPELINE_NAME)
        .value(pipeline.getPipelineName())
        .build();
    CfnOutput.Builder.create(this, StackOutputs.SOURCE_BUCKET_NAME)
        .value(source.getBucketName())
        .build();
    CfnOutput.Builder.create(this, StackOutputs.ARTIFACT_BUCKET_NAME)
        .value(artifacts.getBucketName())
        .build();
  }

  private List<PolicyStatement> operatorStatements(DeploymentConfig config) {
    return OperatorPolicy.statements(config, getAccount()).stream().map(CdkStatements::of).toList();
  }

  private static software.amazon.awscdk.services.codebuild.LoggingOptions logging(LogGroup logs) {
    return software.amazon.awscdk.services.codebuild.LoggingOptions.builder()
        .cloudWatch(
            software.amazon.awscdk.services.codebuild.CloudWatchLoggingOptions.builder()
                .logGroup(logs)
                .build())
        .build();
  }

  /**
   * The images' revision: the source archive's ETag (an MD5 of its bytes, or of its parts, hex with
   * "-N" for a multipart upload), stripped to what a tag may hold. The same archive gives the same
   * tag, so a build that runs again pushes nothing new; source.zip carries no .git from which each
   * image's own last commit could be read.
   */
  static final String REVISION = "\"$(printf %s \"$SOURCE_ETAG\" | tr -cd 'A-Za-z0-9_.-')\"";

  /**
   * The build: the CLI from source, then its Docker-free image push, with only the options {@code
   * ImagesCommand} has; the digests go to {@value #IMAGES_FILE} for the Deploy stage.
   */
  static String pushCommand(DeploymentConfig config) {
    return "java -jar "
        + CLI_JAR
        + " images push --deployment "
        + config.deploymentName()
        + " --region "
        + config.region()
        + " --platform "
        + (config.graviton() ? "arm64" : "amd64")
        + " --revision "
        + REVISION
        + " --cache-dir "
        + IMAGE_CACHE
        + " --output json > "
        + IMAGES_FILE;
  }

  /**
   * {@code up} with every setting of {@code config} spelled out as its flag, so the pipeline
   * deploys what the operator last deployed whatever the defaults are; a CLI test parses these back
   * into the same config. {@code --yes}: the API password secret exists already, and the Deploy
   * stage has no terminal to ask on.
   */
  public static List<String> upArguments(DeploymentConfig config) {
    List<String> arguments =
        new ArrayList<>(
            List.of(
                "up",
                "--environment",
                config.environment(),
                "--company",
                config.company(),
                "--region",
                config.region(),
                "--nat-gateway=" + config.natGateway(),
                "--interface-endpoints=" + config.interfaceEndpoints(),
                "--graviton=" + config.graviton(),
                "--waf=" + config.waf(),
                "--edge",
                config.edge().name().toLowerCase(java.util.Locale.ROOT),
                "--min-tasks",
                Integer.toString(config.minTasks()),
                "--max-tasks",
                Integer.toString(config.maxTasks()),
                "--db-instance-class",
                config.dbInstanceClass(),
                "--monitoring=" + config.monitoring(),
                "--monitoring-spot=" + config.monitoringSpot(),
                "--pipeline=" + config.pipeline(),
                "--strategy",
                config
                    .rollout()
                    .strategy()
                    .name()
                    .toLowerCase(java.util.Locale.ROOT)
                    .replace('_', '-')));
    config.customDomain().ifPresent(domain -> arguments.addAll(List.of("--domain", domain)));
    config.certificate().ifPresent(arn -> arguments.addAll(List.of("--certificate-arn", arn)));
    arguments.addAll(List.of("--images", IMAGES_FILE, "--yes"));
    return arguments;
  }

  private static Map<String, Object> buildSpec(DeploymentConfig config) {
    return Ordered.deeply(
        Map.of(
            "version", "0.2",
            "phases",
                Map.of(
                    "install", Map.of("runtime-versions", Map.of("java", "corretto21")),
                    "build",
                        Map.of(
                            "commands",
                            List.of(
                                "./mvnw -B -pl cli -am package -DskipTests", pushCommand(config)))),
            "artifacts", Map.of("files", List.of(IMAGES_FILE, CLI_JAR)),
            "cache", Map.of("paths", List.of("/root/.m2/**/*", IMAGE_CACHE + "/**/*"))));
  }

  private static Map<String, Object> deploySpec(DeploymentConfig config) {
    return Ordered.deeply(
        Map.of(
            "version",
            "0.2",
            "phases",
            Map.of(
                "install", Map.of("runtime-versions", Map.of("java", "corretto21", "nodejs", "20")),
                "build",
                    Map.of(
                        "commands",
                        List.of(
                            "java -jar "
                                + CLI_JAR
                                + " "
                                + String.join(
                                    " ",
                                    upArguments(config).stream()
                                        .map(PipelineStack::shellQuoted)
                                        .toList()))))));
  }

  /** Settings are validated names and numbers; quoting keeps a domain or ARN one argument. */
  private static String shellQuoted(String argument) {
    return argument.matches("[A-Za-z0-9_./:=@-]+")
        ? argument
        : "'" + argument.replace("'", "'\\''") + "'";
  }

  private Bucket bucket(String id) {
    return Bucket.Builder.create(this, id)
        .versioned(true)
        .encryption(BucketEncryption.S3_MANAGED)
        .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
        .enforceSsl(true)
        // Versions pile up with every push; a month of history is enough to roll back.
        .lifecycleRules(
            List.of(
                LifecycleRule.builder()
                    .noncurrentVersionExpiration(Duration.days(30))
                    .abortIncompleteMultipartUploadAfter(Duration.days(1))
                    .build()))
        // Emptied by `down` (no autoDeleteObjects: that is a custom resource).
        .removalPolicy(RemovalPolicy.DESTROY)
        .build();
  }
}
