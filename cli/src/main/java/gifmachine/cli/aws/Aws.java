package gifmachine.cli.aws;

/**
 * Every AWS gateway the CLI uses, for one region and set of credentials. {@link AwsConnector}
 * builds the real ones; tests build this from in-memory or emulator-backed parts.
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
    AutoCloseable resources) implements AutoCloseable {

  @Override
  public void close() throws Exception {
    resources.close();
  }
}
