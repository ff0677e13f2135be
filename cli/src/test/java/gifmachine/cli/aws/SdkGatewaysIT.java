package gifmachine.cli.aws;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gifmachine.cli.testing.FreePorts;
import gifmachine.cli.testing.MotoServer;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DeploymentControllerType;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketVersioningStatus;

/** Every AWS operation the CLI calls, through the real SDK clients, against moto. */
@ExtendWith(MotoServer.class)
class SdkGatewaysIT {

  static final String REGION = "eu-west-1";
  static final String TEMPLATE =
      """
      {"Resources":{"Topic":{"Type":"AWS::SNS::Topic"}},"Outputs":{"TopicArn":{"Value":{"Ref":"Topic"}}}}""";
  static final String TEMPLATE_2 =
      """
      {"Resources":{"Topic":{"Type":"AWS::SNS::Topic"},"Queue":{"Type":"AWS::SQS::Queue"}},"Outputs":{"TopicArn":{"Value":{"Ref":"Topic"}}}}""";
  static final Map<String, String> TAGS = Map.of("gifmachine-on-aws:deployment", "test-acme");

  final MotoServer.Endpoint moto;
  Aws aws;

  SdkGatewaysIT(MotoServer.Endpoint moto) {
    this.moto = moto;
  }

  @BeforeEach
  void connect() throws Exception {
    moto.reset();
    aws = moto.connect(REGION);
  }

  @AfterEach
  void close() throws Exception {
    aws.close();
  }

  <B extends AwsClientBuilder<B, C>, C> C raw(B builder) {
    return builder
        .region(Region.of(REGION))
        .endpointOverride(URI.create(moto.url()))
        .credentialsProvider(
            StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
        .build();
  }

  @Test
  void sts_and_ec2_tell_the_account_the_regions_and_at_least_two_zones() {
    assertThat(aws.account().identity().account()).matches("\\d{12}");
    assertThat(aws.account().regions()).contains("eu-west-1", "us-east-1");
    assertThat(aws.account().availabilityZones())
        .hasSizeGreaterThanOrEqualTo(2)
        .allMatch(z -> z.startsWith(REGION));
  }

  @Test
  void ec2_finds_cloudfronts_origin_facing_prefix_list_by_name_and_nothing_for_an_unknown_name() {
    assertThat(aws.account().managedPrefixListId("com.amazonaws.global.cloudfront.origin-facing"))
        .hasValueSatisfying(id -> assertThat(id).matches("pl-[0-9a-f]{8,17}"));
    assertThat(aws.account().managedPrefixListId("com.amazonaws.global.cloudfront.nothing"))
        .isEmpty();
  }

  @Test
  void a_service_linked_role_is_created_once_and_a_second_create_is_not_an_error() {
    assertThat(aws.account().createServiceLinkedRole("elasticloadbalancing.amazonaws.com"))
        .isTrue();
    assertThat(aws.account().createServiceLinkedRole("elasticloadbalancing.amazonaws.com"))
        .isFalse();
  }

  @Test
  void the_zones_offering_an_instance_type_are_zones_of_the_region() {
    List<String> zones = aws.account().zonesOffering("t4g.nano");

    assertThat(zones).isNotEmpty().allMatch(zone -> zone.startsWith(REGION));
    assertThat(aws.account().availabilityZones()).containsAll(zones);
  }

  @Test
  void cloudformation_stacks_are_created_updated_described_and_deleted() {
    CloudFormationGateway cfn = aws.cloudFormation();
    assertThat(cfn.describe("test-acme-registry")).isEmpty();

    cfn.createStack("test-acme-registry", TEMPLATE, TAGS);
    StackDescription created = cfn.describe("test-acme-registry").orElseThrow();
    assertThat(created.status()).isEqualTo("CREATE_COMPLETE");
    assertThat(created.outputs()).containsKey("TopicArn");
    assertThat(created.tags()).isEqualTo(TAGS);
    assertThat(cfn.events("test-acme-registry"))
        .extracting(StackEvent::status)
        .contains("CREATE_COMPLETE");
    assertThat(cfn.template("test-acme-registry"))
        .hasValueSatisfying(t -> assertThat(t).contains("AWS::SNS::Topic"));

    assertThat(cfn.updateStack("test-acme-registry", TEMPLATE_2, TAGS)).isTrue();
    assertThat(cfn.describe("test-acme-registry").orElseThrow().status())
        .isEqualTo("UPDATE_COMPLETE");

    cfn.deleteStack("test-acme-registry");
    assertThat(cfn.describe("test-acme-registry")).isEmpty();
    assertThat(cfn.describe(created.id()))
        .hasValueSatisfying(s -> assertThat(s.status()).isEqualTo("DELETE_COMPLETE"));
  }

  @Test
  void cloudformation_change_sets_are_created_described_executed_and_deleted() {
    CloudFormationGateway cfn = aws.cloudFormation();
    cfn.createChangeSet("test-acme-network", "cs1", TEMPLATE, TAGS, true);
    ChangeSet changeSet = cfn.describeChangeSet("test-acme-network", "cs1");
    assertThat(changeSet.status()).isEqualTo("CREATE_COMPLETE");
    assertThat(changeSet.changes()).extracting(ResourceChange::action).containsOnly("Add");
    cfn.executeChangeSet("test-acme-network", "cs1");
    assertThat(cfn.describe("test-acme-network").orElseThrow().status())
        .isEqualTo("CREATE_COMPLETE");

    cfn.createChangeSet("test-acme-network", "cs2", TEMPLATE, TAGS, false);
    ChangeSet unchanged = cfn.describeChangeSet("test-acme-network", "cs2");
    assertThat(unchanged.isEmpty()).isTrue();
    cfn.deleteChangeSet("test-acme-network", "cs2");
  }

  @Test
  void a_rejected_request_is_a_rejected_call_naming_the_operation() {
    aws.cloudFormation().createStack("test-acme-twice", TEMPLATE, TAGS);
    assertThatThrownBy(() -> aws.cloudFormation().createStack("test-acme-twice", TEMPLATE, TAGS))
        .isInstanceOfSatisfying(
            AwsCallException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(AwsCallException.Kind.REJECTED);
              assertThat(e.operation()).isEqualTo("CloudFormation.CreateStack");
            });
  }

  @Test
  void secrets_are_created_tagged_read_scheduled_for_deletion_restored_and_deleted() {
    SecretsGateway secrets = aws.secrets();
    assertThat(secrets.describe("test-acme/gifmachine/api-password")).isEmpty();
    String arn = secrets.create("test-acme/gifmachine/api-password", "s3cret", TAGS);
    assertThat(arn).startsWith("arn:aws:secretsmanager:eu-west-1:");
    assertThat(secrets.value("test-acme/gifmachine/api-password")).isEqualTo("s3cret");

    secrets.delete("test-acme/gifmachine/api-password", false);
    assertThat(secrets.describe("test-acme/gifmachine/api-password"))
        .hasValueSatisfying(s -> assertThat(s.scheduledForDeletion()).isTrue());
    secrets.restore("test-acme/gifmachine/api-password");
    assertThat(secrets.describe("test-acme/gifmachine/api-password"))
        .hasValueSatisfying(s -> assertThat(s.scheduledForDeletion()).isFalse());

    secrets.delete("test-acme/gifmachine/api-password", true);
    secrets.delete("test-acme/gifmachine/api-password", true);
    assertThat(secrets.describe("test-acme/gifmachine/api-password")).isEmpty();
  }

  @Test
  void ecr_gives_push_credentials_and_repositories_are_emptied() {
    try (EcrClient ecr = raw(EcrClient.builder())) {
      ecr.createRepository(r -> r.repositoryName("test-acme/gifmachine"));
      ecr.putImage(
          r ->
              r.repositoryName("test-acme/gifmachine")
                  .imageTag("v1")
                  .imageManifest(
                      """
          {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":1,"digest":"sha256:%s"},"layers":[]}"""
                          .formatted("a".repeat(64))));
    }
    RegistryGateway.Login login = aws.registry().login();
    assertThat(login.username()).isEqualTo("AWS");
    assertThat(login.password()).isNotBlank();
    assertThat(login.endpoint()).startsWith("https://");

    assertThat(aws.registry().deleteAllImages("test-acme/gifmachine")).isEqualTo(1);
    assertThat(aws.registry().deleteAllImages("test-acme/gifmachine")).isZero();
    assertThat(aws.registry().deleteAllImages("test-acme/absent")).isZero();
  }

  @Test
  void ecr_says_whether_a_digest_is_still_in_the_repository() {
    String digest;
    try (EcrClient ecr = raw(EcrClient.builder())) {
      ecr.createRepository(r -> r.repositoryName("test-acme/gifmachine"));
      digest =
          ecr.putImage(
                  r ->
                      r.repositoryName("test-acme/gifmachine")
                          .imageTag("v1")
                          .imageManifest(
                              """
          {"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json","config":{"mediaType":"application/vnd.docker.container.image.v1+json","size":1,"digest":"sha256:%s"},"layers":[]}"""
                                  .formatted("b".repeat(64))))
              .image()
              .imageId()
              .imageDigest();
    }
    assertThat(aws.registry().imageExists("test-acme/gifmachine", digest)).isTrue();
    assertThat(aws.registry().imageExists("test-acme/gifmachine", "sha256:" + "0".repeat(64)))
        .isFalse();
  }

  @Test
  void the_release_history_is_written_to_a_versioned_bucket_and_read_back_in_time_order() {
    try (S3Client s3 = raw(S3Client.builder().forcePathStyle(true))) {
      s3.createBucket(r -> r.bucket("test-acme-artifacts"));
      s3.putBucketVersioning(
          r ->
              r.bucket("test-acme-artifacts")
                  .versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
      s3.putObject(
          r -> r.bucket("test-acme-artifacts").key("hook/abc.jar"), RequestBody.fromString("jar"));
    }
    gifmachine.cli.deploy.ReleaseHistory history =
        new gifmachine.cli.deploy.ReleaseHistory(aws.buckets(), "test-acme-artifacts");
    java.time.Instant first = java.time.Instant.parse("2026-11-30T09:00:00Z");
    gifmachine.infra.ImageSet a = images("a");
    gifmachine.infra.ImageSet b = images("b");
    // The order of writing is the order of releases, even when the second machine's clock is
    // behind.
    history.record(
        new gifmachine.cli.deploy.ReleaseHistory.Release(
            a,
            first.plusSeconds(3600),
            "commit aaa",
            gifmachine.cli.deploy.ReleaseHistory.none(),
            false));
    history.record(
        new gifmachine.cli.deploy.ReleaseHistory.Release(b, first, "commit bbb", a, false));

    assertThat(history.releases())
        .extracting(gifmachine.cli.deploy.ReleaseHistory.Release::source)
        .containsExactly("commit aaa", "commit bbb");
    assertThat(history.releases().getLast().replaced()).isEqualTo(a);
    assertThat(history.latest())
        .hasValueSatisfying(r -> assertThat(r.source()).isEqualTo("commit bbb"));
    assertThat(gifmachine.cli.deploy.ReleaseHistory.previous(history.releases(), b))
        .hasValueSatisfying(r -> assertThat(r.images()).isEqualTo(a));
    assertThat(history.location()).isEqualTo("s3://test-acme-artifacts/releases/");
  }

  private static gifmachine.infra.ImageSet images(String digit) {
    String repo = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/test-acme/";
    String digest = "@sha256:" + digit.repeat(64);
    return gifmachine.infra.ImageSet.of(image -> repo + image.repositoryName() + digest);
  }

  @Test
  void an_object_is_uploaded_once_and_left_alone_when_its_key_exists() {
    try (S3Client s3 = raw(S3Client.builder().forcePathStyle(true))) {
      s3.createBucket(r -> r.bucket("test-acme-hooks"));

      assertThat(aws.buckets().putIfAbsent("test-acme-hooks", "hook/abc.jar", new byte[] {1, 2}))
          .isTrue();
      assertThat(aws.buckets().putIfAbsent("test-acme-hooks", "hook/abc.jar", new byte[] {9}))
          .isFalse();

      assertThat(
              s3.getObjectAsBytes(r -> r.bucket("test-acme-hooks").key("hook/abc.jar"))
                  .asByteArray())
          .containsExactly(1, 2);
      assertThat(aws.buckets().empty("test-acme-hooks")).isEqualTo(1);
      s3.deleteBucket(r -> r.bucket("test-acme-hooks"));
    }
  }

  @Test
  void s3_buckets_are_emptied_of_every_version_and_delete_marker() {
    try (S3Client s3 = raw(S3Client.builder().forcePathStyle(true))) {
      s3.createBucket(r -> r.bucket("test-acme-artifacts"));
      s3.putBucketVersioning(
          r ->
              r.bucket("test-acme-artifacts")
                  .versioningConfiguration(v -> v.status(BucketVersioningStatus.ENABLED)));
      s3.putObject(r -> r.bucket("test-acme-artifacts").key("a"), RequestBody.fromString("1"));
      s3.putObject(r -> r.bucket("test-acme-artifacts").key("a"), RequestBody.fromString("2"));
      s3.deleteObject(r -> r.bucket("test-acme-artifacts").key("a"));

      assertThat(aws.buckets().empty("test-acme-artifacts")).isEqualTo(3);
      assertThat(s3.listObjectVersions(r -> r.bucket("test-acme-artifacts")).versions()).isEmpty();
      s3.deleteBucket(r -> r.bucket("test-acme-artifacts"));
    }
    assertThat(aws.buckets().empty("test-acme-artifacts")).isZero();
  }

  @Test
  void ecs_services_report_counts_and_a_familys_revisions_are_listed_deregistered_and_deleted() {
    String taskDefinition;
    try (EcsClient ecs = raw(EcsClient.builder())) {
      ecs.createCluster(r -> r.clusterName("test-acme"));
      taskDefinition =
          ecs.registerTaskDefinition(
                  r ->
                      r.family("test-acme-gifmachine")
                          .containerDefinitions(
                              c ->
                                  c.name("gifmachine")
                                      .image("repo/gifmachine@sha256:" + "1".repeat(64))
                                      .memory(512),
                              c -> c.name("csidecar").image("repo/csidecar:1").memory(128)))
              .taskDefinition()
              .taskDefinitionArn();
      ecs.createService(
          r ->
              r.cluster("test-acme")
                  .serviceName("gifmachine")
                  .taskDefinition(taskDefinition)
                  .desiredCount(1)
                  .deploymentController(d -> d.type(DeploymentControllerType.ECS)));
    }
    ServiceGateway.ServiceInfo service =
        aws.services().describeService("test-acme", "gifmachine").orElseThrow();
    assertThat(service.desired()).isEqualTo(1);
    assertThat(service.running()).isEqualTo(1);
    assertThat(service.taskDefinition()).isEqualTo(taskDefinition);
    assertThat(aws.services().containerImages(taskDefinition))
        .containsEntry("csidecar", "repo/csidecar:1");

    assertThat(aws.services().describeService("test-acme", "absent")).isEmpty();

    // The prefix also matches test-acme-gifmachine-x: only the exact family is ours.
    try (EcsClient ecs = raw(EcsClient.builder())) {
      ecs.registerTaskDefinition(
          r ->
              r.family("test-acme-gifmachine-x")
                  .containerDefinitions(c -> c.name("x").image("x").memory(128)));
    }
    assertThat(aws.services().taskDefinitions("test-acme-gifmachine", true))
        .containsExactly(taskDefinition);
    aws.services().deregisterTaskDefinition(taskDefinition);
    assertThat(aws.services().taskDefinitions("test-acme-gifmachine", true)).isEmpty();
    assertThat(aws.services().taskDefinitions("test-acme-gifmachine", false))
        .containsExactly(taskDefinition);
  }

  @Test
  void cloudwatch_logs_are_filtered_listed_and_deleted() {
    try (CloudWatchLogsClient logs = raw(CloudWatchLogsClient.builder())) {
      logs.createLogGroup(r -> r.logGroupName("/test-acme/gifmachine"));
      logs.createLogStream(r -> r.logGroupName("/test-acme/gifmachine").logStreamName("app/1"));
      long now = Instant.now().toEpochMilli();
      logs.putLogEvents(
          r ->
              r.logGroupName("/test-acme/gifmachine")
                  .logStreamName("app/1")
                  .logEvents(
                      e -> e.timestamp(now).message("GET /healthz 200"),
                      e -> e.timestamp(now + 1).message("POST /gif 403")));
    }
    LogsGateway.Page page =
        aws.logs().filter("/test-acme/gifmachine", Instant.now().minusSeconds(600), "", "");
    assertThat(page.lines())
        .extracting(LogsGateway.LogLine::message)
        .containsExactly("GET /healthz 200", "POST /gif 403");
    assertThat(aws.logs().logGroups("/test-acme")).containsExactly("/test-acme/gifmachine");

    aws.logs().deleteLogGroup("/test-acme/gifmachine");
    aws.logs().deleteLogGroup("/test-acme/gifmachine");
    assertThat(aws.logs().logGroups("/test-acme")).isEmpty();
  }

  @Test
  void the_tagging_api_finds_what_carries_our_tag() {
    String arn = aws.secrets().create("test-acme/leftover", "x", TAGS);

    assertThat(aws.tagging().resourcesTagged("gifmachine-on-aws:deployment", "test-acme"))
        .contains(arn);
    assertThat(aws.tagging().resourcesTagged("gifmachine-on-aws:deployment", "other-acme"))
        .isEmpty();
  }

  @Test
  void an_unreachable_endpoint_is_reported_as_unreachable() throws Exception {
    int port = FreePorts.loopback();
    try (Aws nowhere =
        AwsConnector.connect(new AwsSettings(REGION, "", "http://127.0.0.1:" + port))) {
      assertThatThrownBy(() -> nowhere.account().identity())
          .isInstanceOfSatisfying(
              AwsCallException.class,
              e -> assertThat(e.kind()).isEqualTo(AwsCallException.Kind.UNREACHABLE));
    }
  }

  @Test
  void a_profile_without_credentials_is_a_credentials_error() throws Exception {
    try (Aws noCredentials =
        AwsConnector.connect(new AwsSettings(REGION, "no-such-profile", moto.url()))) {
      assertThatThrownBy(() -> noCredentials.account().identity())
          .isInstanceOfSatisfying(
              AwsCallException.class,
              e -> assertThat(e.kind()).isEqualTo(AwsCallException.Kind.CREDENTIALS));
    }
  }
}
