package gifmachine.cli.aws.rules;

import gifmachine.cli.aws.AwsCallException;

/**
 * A documented AWS rule a call broke, naming the rule and the page it comes from, so a failing
 * scenario says which documented behaviour the deployer ran into. The simulated services turn it
 * into the rejection AWS would answer with ({@link #asAwsError()}).
 */
public final class RuleViolation extends RuntimeException {

  private final String operation;
  private final String rule;

  public RuleViolation(String operation, String rule, String message, String documentation) {
    super(message + " [rule " + rule + ", " + documentation + "]");
    this.operation = operation;
    this.rule = rule;
  }

  public String rule() {
    return rule;
  }

  /** What the SDK gateways would throw for AWS's own rejection. */
  public AwsCallException asAwsError() {
    return new AwsCallException(AwsCallException.Kind.REJECTED, operation, getMessage(), this);
  }
}
