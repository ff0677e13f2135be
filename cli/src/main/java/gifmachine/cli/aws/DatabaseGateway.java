package gifmachine.cli.aws;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * RDS as far as the CLI reads it: the manual DB snapshots that carry the deployment's tag (the
 * final snapshot {@code down} keeps, and the one a replaced database leaves), for {@code status}
 * and for {@code up --restore-snapshot}.
 */
public interface DatabaseGateway {

  /** One DB snapshot: its name, ARN, when it was taken, RDS's status ({@code available}, …). */
  record Snapshot(String identifier, String arn, Instant created, String status) {}

  /** Manual snapshots in the client's region tagged {@code tagKey=tagValue}, newest first. */
  List<Snapshot> snapshotsTagged(String tagKey, String tagValue);

  /** The snapshot named {@code identifier} (a name or an ARN), if it exists. */
  Optional<Snapshot> snapshot(String identifier);

  /** For gateways built without RDS: every call fails. */
  static DatabaseGateway unavailable() {
    return new DatabaseGateway() {
      @Override
      public List<Snapshot> snapshotsTagged(String tagKey, String tagValue) {
        throw new AwsCallException(
            AwsCallException.Kind.REJECTED, "RDS", "no RDS gateway here", null);
      }

      @Override
      public Optional<Snapshot> snapshot(String identifier) {
        throw new AwsCallException(
            AwsCallException.Kind.REJECTED, "RDS", "no RDS gateway here", null);
      }
    };
  }
}
