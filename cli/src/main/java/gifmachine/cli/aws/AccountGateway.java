package gifmachine.cli.aws;

import java.util.List;

/**
 * Who we are and where we can deploy: STS caller identity, EC2 regions, availability zones and the
 * instance types they offer, and the account's service-linked roles. The pre-flight checks use
 * these before anything is created.
 */
public interface AccountGateway {

  /** The account and principal the credentials belong to. */
  record Identity(String account, String arn) {}

  Identity identity();

  /** Regions enabled for the account. */
  List<String> regions();

  /** Availability zones in the client's region that are {@code available}. */
  List<String> availabilityZones();

  /**
   * The ID of an AWS-managed prefix list in the client's region by its name, e.g. {@code
   * com.amazonaws.global.cloudfront.origin-facing} (EC2 DescribeManagedPrefixLists).
   */
  java.util.Optional<String> managedPrefixListId(String name);

  /** The zones of the client's region that offer {@code instanceType} (e.g. {@code t4g.nano}). */
  List<String> zonesOffering(String instanceType);

  /**
   * The value of a public SSM parameter of the client's region, e.g. the newest Amazon Linux AMI
   * under {@code /aws/service/ami-amazon-linux-latest/...}; empty when there is none.
   */
  java.util.Optional<String> publicParameter(String name);

  /**
   * Creates the service-linked role of {@code service} (e.g. {@code ecs.amazonaws.com}); returns
   * false when the account already has it.
   */
  boolean createServiceLinkedRole(String service);
}
