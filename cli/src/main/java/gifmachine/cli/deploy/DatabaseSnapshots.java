package gifmachine.cli.deploy;

import gifmachine.cli.aws.Aws;
import gifmachine.cli.aws.DatabaseGateway;
import gifmachine.infra.DeploymentConfig;
import java.util.List;

/**
 * The deployment's DB snapshots, newest first, for {@code status}: the final snapshot each {@code
 * down} keeps and the one a database replaced by a restore leaves, found by the deployment tag the
 * instance copies to its snapshots. Each one's name is what {@code up --restore-snapshot} takes.
 */
public final class DatabaseSnapshots {

  private DatabaseSnapshots() {}

  public static List<DatabaseGateway.Snapshot> of(Aws aws, DeploymentConfig config) {
    return Preflight.guard(
        "listing DB snapshots",
        () ->
            aws.databases()
                .snapshotsTagged(DeploymentConfig.DEPLOYMENT_TAG, config.deploymentName()));
  }
}
