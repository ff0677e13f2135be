package gifmachine.cli.aws;

/**
 * Every AWS gateway the CLI uses, for one region and set of credentials (and CloudFormation in
 * us-east-1 too, where the CloudFront firewall stack lives: {@link #forDeployment}). {@link
 * AwsConnector} builds the real ones; tests build this from in-memory or emulator-backed parts,
 * passing {@link PipelineGateway#unavailable()} or {@link DatabaseGateway#unavailable()} for a
 * service the command under test never reaches (its calls then fail loudly).
 */
public record Aws(
    CloudFormationGateway cloudFormation,
    AccountGateway account,
    SecretsGateway secrets,
    RegistryGateway registry,
    BucketGateway buckets,
    ServiceGateway services,
    LogsGateway logs,
    TaggingGateway tagging,
    DatabaseGateway databases,
    CloudFormationGateway cloudFrontCloudFormation,
    PipelineGateway pipelines,
    AutoCloseable resources)
    implements AutoCloseable {

  /**
   * The same gateways with {@link #cloudFormation()} routing each of the deployment's stacks to its
   * region (DeploymentConfig#regionOf): the firewall stack to us-east-1, the rest home.
   */
  public Aws forDeployment(gifmachine.infra.DeploymentConfig config) {
    java.util.Set<String> elsewhere = new java.util.HashSet<>();
    for (gifmachine.infra.StackPart part : gifmachine.infra.StackPart.values()) {
      if (!config.regionOf(part).equals(config.region())) {
        elsewhere.add(config.stackName(part));
      }
    }
    return new Aws(
        new StackRegions(cloudFormation, cloudFrontCloudFormation, elsewhere),
        account,
        secrets,
        registry,
        buckets,
        services,
        logs,
        tagging,
        databases,
        cloudFrontCloudFormation,
        pipelines,
        resources);
  }

  @Override
  public void close() throws Exception {
    resources.close();
  }
}
