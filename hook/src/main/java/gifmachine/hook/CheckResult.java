package gifmachine.hook;

/**
 * What the checks of a green revision found.
 *
 * @param outcome passed, failed for good, or not yet ready (worth asking again)
 * @param reason what failed, as {@code check: what happened}; empty when passed
 */
public record CheckResult(Outcome outcome, String reason) {
  /** The three answers a check can give. */
  public enum Outcome {
    PASSED,
    NOT_YET,
    FAILED
  }

  static CheckResult passed() {
    return new CheckResult(Outcome.PASSED, "");
  }

  static CheckResult notYet(String reason) {
    return new CheckResult(Outcome.NOT_YET, reason);
  }

  static CheckResult failed(String reason) {
    return new CheckResult(Outcome.FAILED, reason);
  }
}
