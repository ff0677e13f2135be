package gifmachine.infra;

/**
 * Names of the CloudFormation outputs each stack exports, as the CLI reads them with {@code
 * DescribeStacks}: {@code outputs.get(StackOutputs.GIFMACHINE_URL)}.
 */
public final class StackOutputs {
  private StackOutputs() {}

  // registry
  /** Execution-role stack: the role CloudFormation deploys every other stack with. */
  public static final String EXECUTION_ROLE_ARN = "ExecutionRoleArn";

  public static final String GIFMACHINE_REPOSITORY_URI = "GifmachineRepositoryUri";
  public static final String CSIDECAR_REPOSITORY_URI = "CsidecarRepositoryUri";
  public static final String CDEPOT_REPOSITORY_URI = "CdepotRepositoryUri";
  public static final String PROMETHEUS_REPOSITORY_URI = "PrometheusRepositoryUri";
  public static final String GRAFANA_REPOSITORY_URI = "GrafanaRepositoryUri";

  /** Registry stack: where the CLI uploads the validation hook's jar. */
  public static final String DEPLOYMENT_ARTIFACTS_BUCKET = "DeploymentArtifactsBucket";

  // network
  /** The network's two availability zones, comma-separated, as the first up chose them. */
  public static final String AVAILABILITY_ZONES = "AvailabilityZones";

  /** The NAT instance's AMI, as the first up (or the last --refresh-nat-image) resolved it. */
  public static final String NAT_IMAGE_ID = "NatImageId";

  // db
  /** The DB snapshot the database was restored from: later updates must name it again. */
  public static final String RESTORED_FROM_SNAPSHOT = "RestoredFromSnapshot";

  public static final String DATABASE_ENDPOINT = "DatabaseEndpoint";
  public static final String DATABASE_SECRET_ARN = "DatabaseSecretArn";

  // gifmachine
  public static final String GIFMACHINE_URL = "GifmachineUrl";
  public static final String CLUSTER_NAME = "ClusterName";
  public static final String SERVICE_NAME = "ServiceName";
  public static final String LOG_GROUP_NAME = "LogGroupName";
  public static final String BLUE_TARGET_GROUP_ARN = "BlueTargetGroupArn";
  public static final String GREEN_TARGET_GROUP_ARN = "GreenTargetGroupArn";

  /** The rule whose weights ECS moves: which target group serves production now. */
  public static final String PRODUCTION_LISTENER_RULE_ARN = "ProductionListenerRuleArn";

  public static final String TASK_DEFINITION_FAMILY = "TaskDefinitionFamily";

  /** Gifmachine stack, with a validation hook: its log group (one line per call). */
  public static final String VALIDATION_HOOK_LOG_GROUP = "ValidationHookLogGroup";

  // monitoring
  public static final String GRAFANA_URL = "GrafanaUrl";
  public static final String GRAFANA_ADMIN_SECRET_ARN = "GrafanaAdminSecretArn";
  public static final String MONITORING_SERVICE_NAME = "MonitoringServiceName";

  // edge (CloudFront): GIFMACHINE_URL and GRAFANA_URL are the edge stack's there
  public static final String DISTRIBUTION_ID = "DistributionId";
  public static final String DISTRIBUTION_DOMAIN_NAME = "DistributionDomainName";

  // waf (us-east-1, CloudFront edge only)
  public static final String WEB_ACL_ARN = "WebAclArn";

  // pipeline
  public static final String PIPELINE_NAME = "PipelineName";
  public static final String SOURCE_BUCKET_NAME = "SourceBucketName";
  public static final String ARTIFACT_BUCKET_NAME = "ArtifactBucketName";
}
