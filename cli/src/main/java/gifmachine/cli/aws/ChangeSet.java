package gifmachine.cli.aws;

import java.util.List;

/**
 * A change set as CloudFormation describes it.
 *
 * @param status {@code CREATE_PENDING}, {@code CREATE_IN_PROGRESS}, {@code CREATE_COMPLETE} or
 *     {@code FAILED}
 * @param statusReason why it failed (e.g. "The submitted information didn't contain changes.")
 * @param changes what it would do, when complete
 */
public record ChangeSet(
    String stackName,
    String name,
    String status,
    String statusReason,
    List<ResourceChange> changes) {

  public ChangeSet {
    changes = List.copyOf(changes);
  }

  public boolean isPending() {
    return status.equals("CREATE_PENDING") || status.equals("CREATE_IN_PROGRESS");
  }

  /** CloudFormation refuses change sets that change nothing; that is "no changes", not failure. */
  public boolean isEmpty() {
    if (status.equals("CREATE_COMPLETE")) {
      return changes.isEmpty();
    }
    String reason = statusReason.toLowerCase(java.util.Locale.ROOT);
    return status.equals("FAILED")
        && (reason.contains("didn't contain changes")
            || reason.contains("no updates are to be performed"));
  }
}
