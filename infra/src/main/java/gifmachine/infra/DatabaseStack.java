package gifmachine.infra;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.ec2.InstanceType;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.rds.CfnDBInstance;
import software.amazon.awscdk.services.rds.Credentials;
import software.amazon.awscdk.services.rds.DatabaseInstance;
import software.amazon.awscdk.services.rds.DatabaseInstanceEngine;
import software.amazon.awscdk.services.rds.DatabaseSecret;
import software.amazon.awscdk.services.rds.IInstanceEngine;
import software.amazon.awscdk.services.rds.ParameterGroup;
import software.amazon.awscdk.services.rds.PostgresEngineVersion;
import software.amazon.awscdk.services.rds.PostgresInstanceEngineProps;
import software.amazon.awscdk.services.rds.StorageType;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.constructs.Construct;

/**
 * RDS for PostgreSQL: encrypted, 7 days of backups, a final snapshot when deleted, TLS required
 * ({@code rds.force_ssl=1}), reachable on 5432 only from the service's and monitoring's security
 * groups. The credentials are generated into Secrets Manager as a JSON secret with the fields
 * {@code host}, {@code port}, {@code dbname}, {@code username} and {@code password}, which ECS
 * injects into the task as {@code DATABASE_*}.
 */
public final class DatabaseStack extends Stack {

  static final String DATABASE_NAME = "gifmachine";
  static final String USER = "gifmachine";
  static final int BACKUP_DAYS = 7;
  static final int STORAGE_GB = 20;
  static final int PORT = 5432;

  /** Minor versions come from RDS's automatic minor upgrades, never from the template. */
  static final String POSTGRES_MAJOR_VERSION = "17";

  private final DatabaseInstance instance;
  private final ISecret secret;

  public DatabaseStack(
      Construct scope, String id, StackProps props, DeploymentConfig config, NetworkStack network) {
    super(scope, id, props);
    // The major version only: RDS picks its current minor at creation, and after an automatic
    // minor upgrade the template still says "17", so no later update asks to go back to an older
    // (or retired) minor.
    // https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-rds-dbinstance.html#cfn-rds-dbinstance-engineversion
    IInstanceEngine engine =
        DatabaseInstanceEngine.postgres(
            PostgresInstanceEngineProps.builder()
                .version(PostgresEngineVersion.of(POSTGRES_MAJOR_VERSION, POSTGRES_MAJOR_VERSION))
                .build());

    SecurityGroup securityGroup =
        SecurityGroup.Builder.create(this, "SecurityGroup")
            .vpc(network.vpc())
            .description("Gifmachine database: PostgreSQL from the service and monitoring only")
            .allowAllOutbound(false)
            .build();
    securityGroup.addIngressRule(network.serviceSecurityGroup(), Port.tcp(PORT), "Gifmachine");
    if (config.monitoring()) {
      securityGroup.addIngressRule(
          network.monitoringSecurityGroup(),
          Port.tcp(PORT),
          "monitoring (database exporters, operators through ECS Exec)");
    }

    DatabaseSecret generated =
        DatabaseSecret.Builder.create(this, "Secret").username(USER).dbname(DATABASE_NAME).build();

    instance =
        DatabaseInstance.Builder.create(this, "Database")
            .engine(engine)
            .instanceType(new InstanceType(config.dbInstanceClass().substring("db.".length())))
            .vpc(network.vpc())
            .vpcSubnets(network.privateSubnets())
            .securityGroups(List.of(securityGroup))
            .credentials(Credentials.fromSecret(generated))
            .databaseName(DATABASE_NAME)
            .port(PORT)
            .allocatedStorage(STORAGE_GB)
            .storageType(StorageType.GP3)
            .storageEncrypted(true)
            .backupRetention(Duration.days(BACKUP_DAYS))
            .copyTagsToSnapshot(true)
            .autoMinorVersionUpgrade(true)
            .multiAz(false)
            .publiclyAccessible(false)
            // `down` must be able to delete it; the final snapshot keeps the data.
            .deletionProtection(false)
            .removalPolicy(RemovalPolicy.SNAPSHOT)
            .parameterGroup(
                ParameterGroup.Builder.create(this, "Parameters")
                    .engine(engine)
                    .description("Gifmachine: TLS required")
                    .parameters(Map.of("rds.force_ssl", "1"))
                    .build())
            .build();
    secret = instance.getSecret();
    if (!config.restoreSnapshot().isEmpty()) {
      restoreFrom(config.restoreSnapshot());
    }

    CfnOutput.Builder.create(this, StackOutputs.DATABASE_ENDPOINT)
        .value(instance.getDbInstanceEndpointAddress())
        .build();
    CfnOutput.Builder.create(this, StackOutputs.DATABASE_SECRET_ARN)
        .value(secret.getSecretArn())
        .build();
  }

  /**
   * The same instance, restored from a DB snapshot: the user name, database name and encryption
   * come from the snapshot (CloudFormation takes none of them beside {@code DBSnapshotIdentifier});
   * the password is still set from this stack's secret. Naming a snapshot (or another one) replaces
   * the instance, and once restored every later update must name the same snapshot again, or
   * CloudFormation replaces it with an empty one: the CLI reads it back from {@link
   * StackOutputs#RESTORED_FROM_SNAPSHOT}.
   * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-rds-dbinstance.html#cfn-rds-dbinstance-dbsnapshotidentifier
   */
  private void restoreFrom(String snapshot) {
    CfnDBInstance database = (CfnDBInstance) instance.getNode().getDefaultChild();
    database.addPropertyOverride("DBSnapshotIdentifier", snapshot);
    database.addPropertyDeletionOverride("MasterUsername");
    database.addPropertyDeletionOverride("DBName");
    database.addPropertyDeletionOverride("StorageEncrypted");
    CfnOutput.Builder.create(this, StackOutputs.RESTORED_FROM_SNAPSHOT).value(snapshot).build();
  }

  public DatabaseInstance instance() {
    return instance;
  }

  /** The credentials secret, attached to the instance (so it carries host and port). */
  public ISecret secret() {
    return secret;
  }
}
