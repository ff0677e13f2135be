package gifmachine.cli.deploy;

import gifmachine.cli.aws.AccountGateway;
import gifmachine.cli.aws.Aws;
import gifmachine.cli.aws.AwsCallException;
import gifmachine.cli.aws.IamActions;
import gifmachine.cli.aws.StackDescription;
import gifmachine.cli.deploy.DeploymentException.Exit;
import gifmachine.infra.DeploymentConfig;
import java.util.List;
import java.util.Optional;

/**
 * Checks before anything is created: the credentials work (STS), the region exists for the account
 * and has at least two availability zones, the service-linked roles our stacks need exist (created
 * here when missing), and no stack with one of our names belongs to someone else (our stacks carry
 * {@link DeploymentConfig#DEPLOYMENT_TAG}).
 */
public final class Preflight {

  /**
   * Services whose service-linked role a stack of ours needs. AWS creates most of them on first
   * use, but not reliably inside a CloudFormation deployment on a fresh account: the first ECS
   * cluster or service can fail on "Unable to assume the service linked role". Creating them first
   * costs nothing when they exist.
   * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using-service-linked-roles.html
   * https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html
   */
  public static final List<String> SERVICE_LINKED_ROLES =
      gifmachine.infra.iam.OperatorPolicy.SERVICE_LINKED_ROLES;

  private Preflight() {}

  /** Returns who we are; throws {@link DeploymentException} with {@code what happened: why}. */
  public static AccountGateway.Identity check(
      Aws aws, DeploymentConfig config, List<String> stackNames) {
    AccountGateway.Identity identity =
        guard("checking credentials", () -> aws.account().identity());
    List<String> regions = guard("listing regions", () -> aws.account().regions());
    if (!regions.contains(config.region())) {
      throw new DeploymentException(
          Exit.CONFIG,
          "region " + config.region() + ": not a region this account can use",
          "choose one of: " + String.join(", ", regions));
    }
    List<String> zones =
        guard("listing availability zones", () -> aws.account().availabilityZones());
    if (zones.size() < 2) {
      throw new DeploymentException(
          Exit.CONFIG,
          "region "
              + config.region()
              + ": has "
              + zones.size()
              + " available zone(s), the network needs 2",
          "choose another region");
    }
    for (String service : SERVICE_LINKED_ROLES) {
      guard(
          "creating the service-linked role of " + service,
          () -> aws.account().createServiceLinkedRole(service));
    }
    for (String stackName : stackNames) {
      Optional<StackDescription> stack =
          guard("looking for stack " + stackName, () -> aws.cloudFormation().describe(stackName));
      if (stack.isPresent()
          && !config
              .deploymentName()
              .equals(stack.get().tags().get(DeploymentConfig.DEPLOYMENT_TAG))) {
        throw new DeploymentException(
            Exit.CONFLICT,
            "stack "
                + stackName
                + ": exists but is not ours (no tag "
                + DeploymentConfig.DEPLOYMENT_TAG
                + "="
                + config.deploymentName()
                + ")",
            "choose another --environment or --company, or remove that stack yourself");
      }
    }
    return identity;
  }

  /** Runs an AWS call and turns its failure into a user-facing {@link DeploymentException}. */
  public static <T> T guard(String doing, java.util.function.Supplier<T> call) {
    try {
      return call.get();
    } catch (AwsCallException e) {
      throw explain(doing, e);
    }
  }

  /** {@link #guard} for calls that return nothing. */
  public static void guardRun(String doing, Runnable call) {
    guard(
        doing,
        () -> {
          call.run();
          return null;
        });
  }

  public static DeploymentException explain(String doing, AwsCallException e) {
    return switch (e.kind()) {
      case CREDENTIALS ->
          new DeploymentException(
              Exit.AWS,
              doing + ": no usable AWS credentials (" + e.getMessage() + ")",
              "configure credentials (aws configure, AWS_PROFILE or --profile) and try again",
              e);
      case UNREACHABLE ->
          new DeploymentException(
              Exit.AWS,
              doing + ": the AWS endpoint cannot be reached (" + e.getMessage() + ")",
              "check the network, --region and --endpoint-url",
              e);
      case ACCESS_DENIED ->
          new DeploymentException(
              Exit.AWS,
              doing + ": access denied to " + IamActions.denied(e) + " (" + e.getMessage() + ")",
              "allow "
                  + IamActions.denied(e)
                  + " to these credentials: gifmachine-on-aws iam-policy"
                  + " prints every permission the CLI needs",
              e);
      case THROTTLED ->
          new DeploymentException(
              Exit.AWS,
              doing + ": AWS is throttling requests (" + e.getMessage() + ")",
              "wait a minute and run the command again",
              e);
      default ->
          new DeploymentException(
              Exit.FAILED,
              doing + ": " + e.operation() + " failed (" + e.getMessage() + ")",
              "",
              e);
    };
  }
}
