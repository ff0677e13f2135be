package gifmachine.cli.aws;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.codebuild.CodeBuildClient;
import software.amazon.awssdk.services.codepipeline.CodePipelineClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.resourcegroupstaggingapi.ResourceGroupsTaggingApiClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * Builds the SDK clients (one shared Apache HTTP client, the default credential chain or a named
 * profile, an optional emulator endpoint) and wraps them in our gateways.
 *
 * <pre>{@code
 * try (Aws aws = AwsConnector.connect(new AwsSettings("eu-west-1", "", "http://127.0.0.1:5000"))) {
 *   aws.account().identity();
 * }
 * }</pre>
 */
public final class AwsConnector {

  private AwsConnector() {}

  public static Aws connect(AwsSettings settings) {
    SdkHttpClient http =
        ApacheHttpClient.builder()
            .connectionTimeout(Duration.ofSeconds(5))
            .socketTimeout(Duration.ofSeconds(60))
            .build();
    AwsCredentialsProvider credentials =
        settings
            .namedProfile()
            .<AwsCredentialsProvider>map(
                p -> ProfileCredentialsProvider.builder().profileName(p).build())
            .orElseGet(() -> DefaultCredentialsProvider.builder().build());
    List<SdkClient> clients = new ArrayList<>();
    Factory factory = new Factory(settings, http, credentials, clients);

    CloudFormationClient cloudFormation = factory.build(CloudFormationClient.builder());
    // A CLOUDFRONT-scope WAF web ACL can only be created in us-east-1 (FirewallStack).
    CloudFormationClient cloudFormationUsEast1 =
        factory.build(CloudFormationClient.builder(), Region.US_EAST_1);
    StsClient sts = factory.build(StsClient.builder());
    Ec2Client ec2 = factory.build(Ec2Client.builder());
    // Regions are listed from us-east-1: in an unknown region there is no endpoint to ask.
    Ec2Client ec2Home = factory.build(Ec2Client.builder(), Region.US_EAST_1);
    // IAM is global: its endpoint is signed for us-east-1 whatever the deployment's region.
    IamClient iam = factory.build(IamClient.builder(), Region.AWS_GLOBAL);
    SecretsManagerClient secrets = factory.build(SecretsManagerClient.builder());
    EcrClient ecr = factory.build(EcrClient.builder());
    S3Client s3 =
        factory.build(S3Client.builder().forcePathStyle(settings.endpointOverride().isPresent()));
    EcsClient ecs = factory.build(EcsClient.builder());
    ElasticLoadBalancingV2Client elb = factory.build(ElasticLoadBalancingV2Client.builder());
    CloudWatchLogsClient logs = factory.build(CloudWatchLogsClient.builder());
    ResourceGroupsTaggingApiClient tagging =
        factory.build(ResourceGroupsTaggingApiClient.builder());
    SsmClient ssm = factory.build(SsmClient.builder());
    RdsClient rds = factory.build(RdsClient.builder());
    CodePipelineClient codePipeline = factory.build(CodePipelineClient.builder());
    CodeBuildClient codeBuild = factory.build(CodeBuildClient.builder());

    return new Aws(
        new SdkCloudFormationGateway(cloudFormation),
        new SdkAccountGateway(sts, ec2, ec2Home, iam, ssm),
        new SdkSecretsGateway(secrets),
        new SdkRegistryGateway(ecr),
        new SdkBucketGateway(s3),
        new SdkServiceGateway(ecs, elb),
        new SdkLogsGateway(logs),
        new SdkTaggingGateway(tagging),
        new SdkDatabaseGateway(rds),
        new SdkCloudFormationGateway(cloudFormationUsEast1),
        new SdkPipelineGateway(s3, codePipeline, codeBuild, logs),
        () -> {
          clients.forEach(SdkClient::close);
          http.close();
        });
  }

  private record Factory(
      AwsSettings settings,
      SdkHttpClient http,
      AwsCredentialsProvider credentials,
      List<SdkClient> clients) {

    @SuppressWarnings("unchecked")
    <
            B extends
                AwsClientBuilder<B, C>
                    & software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder<B, C>,
            C extends SdkClient>
        C build(B builder) {
      return build(builder, Region.of(settings.region()));
    }

    <
            B extends
                AwsClientBuilder<B, C>
                    & software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder<B, C>,
            C extends SdkClient>
        C build(B builder, Region region) {
      builder
          .region(region)
          .credentialsProvider(credentials)
          .overrideConfiguration(
              ClientOverrideConfiguration.builder().apiCallTimeout(Duration.ofMinutes(2)).build());
      builder.httpClient(http);
      settings.endpointOverride().ifPresent(builder::endpointOverride);
      C client = builder.build();
      clients.add(client);
      return client;
    }
  }
}
