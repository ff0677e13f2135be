package gifmachine.cli.aws;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBSnapshot;

/**
 * {@link DatabaseGateway} on RDS DescribeDBSnapshots, whose answer carries each snapshot's tags
 * (its filters take no tag).
 * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DescribeDBSnapshots.html
 */
public final class SdkDatabaseGateway implements DatabaseGateway {

  private final RdsClient rds;

  public SdkDatabaseGateway(RdsClient rds) {
    this.rds = rds;
  }

  @Override
  public List<Snapshot> snapshotsTagged(String tagKey, String tagValue) {
    return AwsErrors.call(
        "RDS.DescribeDBSnapshots",
        () -> {
          List<Snapshot> found = new ArrayList<>();
          rds.describeDBSnapshotsPaginator(r -> r.snapshotType("manual"))
              .dbSnapshots()
              .forEach(
                  s -> {
                    if (s.tagList().stream()
                        .anyMatch(t -> tagKey.equals(t.key()) && tagValue.equals(t.value()))) {
                      found.add(snapshot(s));
                    }
                  });
          found.sort(Comparator.comparing(Snapshot::created).reversed());
          return found;
        });
  }

  @Override
  public Optional<Snapshot> snapshot(String identifier) {
    try {
      return AwsErrors.call(
          "RDS.DescribeDBSnapshots",
          () ->
              rds
                  .describeDBSnapshots(r -> r.dbSnapshotIdentifier(identifier))
                  .dbSnapshots()
                  .stream()
                  .findFirst()
                  .map(SdkDatabaseGateway::snapshot));
    } catch (AwsCallException e) {
      if (e.kind() == AwsCallException.Kind.NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
  }

  private static Snapshot snapshot(DBSnapshot s) {
    return new Snapshot(
        s.dbSnapshotIdentifier(),
        s.dbSnapshotArn(),
        s.snapshotCreateTime() == null ? Instant.EPOCH : s.snapshotCreateTime(),
        s.status());
  }
}
