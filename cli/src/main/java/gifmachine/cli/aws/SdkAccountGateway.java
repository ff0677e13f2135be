package gifmachine.cli.aws;

import java.util.List;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.AvailabilityZone;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.ManagedPrefixList;
import software.amazon.awssdk.services.ec2.model.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

/** {@link AccountGateway} on STS and EC2. */
public final class SdkAccountGateway implements AccountGateway {

  private final StsClient sts;
  private final Ec2Client ec2;
  private final Ec2Client regionsClient;

  /**
   * @param ec2 in the deployment's region (availability zones)
   * @param regionsClient in a region that always exists (us-east-1), to list the regions
   */
  public SdkAccountGateway(StsClient sts, Ec2Client ec2, Ec2Client regionsClient) {
    this.sts = sts;
    this.ec2 = ec2;
    this.regionsClient = regionsClient;
  }

  @Override
  public Identity identity() {
    GetCallerIdentityResponse response = AwsErrors.call("STS.GetCallerIdentity", sts::getCallerIdentity);
    return new Identity(response.account(), response.arn());
  }

  @Override
  public List<String> regions() {
    return AwsErrors.call("EC2.DescribeRegions",
        () -> regionsClient.describeRegions().regions().stream().map(Region::regionName).sorted().toList());
  }

  @Override
  public java.util.Optional<String> managedPrefixListId(String name) {
    // https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeManagedPrefixLists.html
    return AwsErrors.call("EC2.DescribeManagedPrefixLists", () -> ec2.describeManagedPrefixLists(r -> r
            .filters(Filter.builder().name("prefix-list-name").values(name).build()))
        .prefixLists().stream()
        .filter(list -> name.equals(list.prefixListName()))
        .map(ManagedPrefixList::prefixListId)
        .findFirst());
  }

  @Override
  public List<String> availabilityZones() {
    return AwsErrors.call("EC2.DescribeAvailabilityZones", () -> ec2.describeAvailabilityZones().availabilityZones()
        .stream().filter(z -> "available".equals(z.stateAsString())).map(AvailabilityZone::zoneName).sorted().toList());
  }
}
