package gifmachine.cli.aws;

/**
 * An {@link Aws} with only the gateways a unit test reaches: the others are absent, and the
 * pipeline and RDS are {@link PipelineGateway#unavailable()} and {@link
 * DatabaseGateway#unavailable()}, so a call the test did not expect fails at once.
 */
public final class PartialAws {
  private PartialAws() {}

  /** Only the account gateway (STS, EC2 lookups). */
  public static Aws account(AccountGateway account) {
    return of(null, account, null);
  }

  /** Only CloudFormation, at home and in us-east-1. */
  public static Aws cloudFormation(CloudFormationGateway home, CloudFormationGateway usEast1) {
    return of(home, null, usEast1);
  }

  private static Aws of(
      CloudFormationGateway home, AccountGateway account, CloudFormationGateway usEast1) {
    return new Aws(
        home,
        account,
        null,
        null,
        null,
        null,
        null,
        null,
        DatabaseGateway.unavailable(),
        usEast1,
        PipelineGateway.unavailable(),
        () -> {});
  }
}
