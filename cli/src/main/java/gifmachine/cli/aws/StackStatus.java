package gifmachine.cli.aws;

import java.util.Set;

/**
 * Reading CloudFormation stack statuses: which ones are still moving, which mean success, which
 * mean the last operation failed and how the next {@code up} must treat them.
 */
public final class StackStatus {

  private static final Set<String> SUCCESS =
      Set.of("CREATE_COMPLETE", "UPDATE_COMPLETE", "IMPORT_COMPLETE");
  private static final Set<String> FAILED_BUT_STABLE =
      Set.of("ROLLBACK_COMPLETE", "UPDATE_ROLLBACK_COMPLETE", "IMPORT_ROLLBACK_COMPLETE");

  private StackStatus() {}

  /** Still changing: wait before doing anything else to the stack. */
  public static boolean inProgress(String status) {
    return status.endsWith("_IN_PROGRESS") && !status.equals("REVIEW_IN_PROGRESS");
  }

  /** The last operation succeeded. */
  public static boolean succeeded(String status) {
    return SUCCESS.contains(status);
  }

  /** The last operation failed (rolled back or stuck failed). */
  public static boolean failed(String status) {
    return FAILED_BUT_STABLE.contains(status) || status.endsWith("_FAILED");
  }

  /** Whether an update can start from here (a rolled-back update leaves the old stack working). */
  public static boolean updatable(String status) {
    return SUCCESS.contains(status) || status.equals("UPDATE_ROLLBACK_COMPLETE");
  }

  /** A stack that never got created: it can only be deleted, then created again. */
  public static boolean mustRecreate(String status) {
    return status.equals("ROLLBACK_COMPLETE")
        || status.equals("ROLLBACK_FAILED")
        || status.equals("CREATE_FAILED");
  }
}
