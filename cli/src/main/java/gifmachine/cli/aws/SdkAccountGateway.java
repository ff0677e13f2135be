package gifmachine.cli.aws;

import java.util.List;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.AvailabilityZone;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.InstanceTypeOffering;
import software.amazon.awssdk.services.ec2.model.LocationType;
import software.amazon.awssdk.services.ec2.model.ManagedPrefixList;
import software.amazon.awssdk.services.ec2.model.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

/** {@link AccountGateway} on STS, EC2 and IAM. */
public final class SdkAccountGateway implements AccountGateway {

  private final StsClient sts;
  private final Ec2Client ec2;
  private final Ec2Client regionsClient;
  private final IamClient iam;
  private final SsmClient ssm;

  /**
   * @param ec2 in the deployment's region (availability zones)
   * @param regionsClient in a region that always exists (us-east-1), to list the regions
   * @param iam IAM (a global service)
   * @param ssm in the deployment's region (public parameters such as the newest AMI)
   */
  public SdkAccountGateway(
      StsClient sts, Ec2Client ec2, Ec2Client regionsClient, IamClient iam, SsmClient ssm) {
    this.sts = sts;
    this.ec2 = ec2;
    this.regionsClient = regionsClient;
    this.iam = iam;
    this.ssm = ssm;
  }

  @Override
  public Identity identity() {
    GetCallerIdentityResponse response =
        AwsErrors.call("STS.GetCallerIdentity", sts::getCallerIdentity);
    return new Identity(response.account(), response.arn());
  }

  @Override
  public List<String> regions() {
    return AwsErrors.call(
        "EC2.DescribeRegions",
        () ->
            regionsClient.describeRegions().regions().stream()
                .map(Region::regionName)
                .sorted()
                .toList());
  }

  @Override
  public java.util.Optional<String> managedPrefixListId(String name) {
    // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeManagedPrefixLists.html
    return AwsErrors.call(
        "EC2.DescribeManagedPrefixLists",
        () ->
            ec2
                .describeManagedPrefixLists(
                    r -> r.filters(Filter.builder().name("prefix-list-name").values(name).build()))
                .prefixLists()
                .stream()
                .filter(list -> name.equals(list.prefixListName()))
                .map(ManagedPrefixList::prefixListId)
                .findFirst());
  }

  @Override
  public List<String> availabilityZones() {
    return AwsErrors.call(
        "EC2.DescribeAvailabilityZones",
        () ->
            ec2.describeAvailabilityZones().availabilityZones().stream()
                .filter(z -> "available".equals(z.stateAsString()))
                .map(AvailabilityZone::zoneName)
                .sorted()
                .toList());
  }

  @Override
  public List<String> zonesOffering(String instanceType) {
    // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeInstanceTypeOfferings.html
    return AwsErrors.call(
        "EC2.DescribeInstanceTypeOfferings",
        () ->
            ec2
                .describeInstanceTypeOfferingsPaginator(
                    request ->
                        request
                            .locationType(LocationType.AVAILABILITY_ZONE)
                            .filters(
                                Filter.builder()
                                    .name("instance-type")
                                    .values(instanceType)
                                    .build()))
                .instanceTypeOfferings()
                .stream()
                .map(InstanceTypeOffering::location)
                .distinct()
                .sorted()
                .toList());
  }

  @Override
  public java.util.Optional<String> publicParameter(String name) {
    // https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-public-parameters-ami.html
    try {
      return AwsErrors.call(
          "SSM.GetParameter",
          () ->
              java.util.Optional.ofNullable(
                  ssm.getParameter(r -> r.name(name)).parameter().value()));
    } catch (AwsCallException e) {
      if (e.kind() == AwsCallException.Kind.NOT_FOUND) {
        return java.util.Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public boolean createServiceLinkedRole(String service) {
    try {
      AwsErrors.run(
          "IAM.CreateServiceLinkedRole",
          () -> iam.createServiceLinkedRole(request -> request.awsServiceName(service)));
      return true;
    } catch (AwsCallException e) {
      if (alreadyExists(e)) {
        return false;
      }
      throw e;
    }
  }

  /**
   * IAM refuses a second role for a service with {@code InvalidInput} "Service role name … has been
   * taken in this account" (emulators: {@code EntityAlreadyExists}).
   * https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateServiceLinkedRole.html
   */
  static boolean alreadyExists(AwsCallException e) {
    String message = String.valueOf(e.getMessage());
    return e.kind() == AwsCallException.Kind.REJECTED
        && (message.contains("has been taken") || message.contains("already exists"));
  }
}
