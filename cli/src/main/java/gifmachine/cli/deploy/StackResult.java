package gifmachine.cli.deploy;

import java.util.Optional;

/**
 * How one stack operation ended.
 *
 * @param stackName the stack
 * @param outcome what happened
 * @param status the final CloudFormation status, empty when nothing was asked of CloudFormation
 * @param failure the first failed resource and its reason, when the outcome is a failure
 */
public record StackResult(String stackName, Outcome outcome, String status, String failure) {

  /** The ways a stack operation can end. */
  public enum Outcome {
    CREATED,
    UPDATED,
    NO_CHANGES,
    DELETED,
    ALREADY_ABSENT,
    FAILED,
    SKIPPED,
    INTERRUPTED,
    TIMED_OUT,
    /**
     * An update cancelled or failed, and CloudFormation put the stack back as it was: what rollback
     * asks for.
     */
    ROLLED_BACK;

    public boolean isFailure() {
      return this == FAILED || this == SKIPPED || this == INTERRUPTED || this == TIMED_OUT;
    }
  }

  public static StackResult of(String stackName, Outcome outcome, String status) {
    return new StackResult(stackName, outcome, status, "");
  }

  public Optional<String> failureReason() {
    return failure.isEmpty() ? Optional.empty() : Optional.of(failure);
  }
}
