package gifmachine.cli.aws;

import java.util.List;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.AvailabilityZone;
import software.amazon.awssdk.services.ec2.model.Region;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

/** {@link AccountGateway} on STS and EC2. */
public final class SdkAccountGateway implements AccountGateway {

  private final StsClient sts;
  private final Ec2Client ec2;

  public SdkAccountGateway(StsClient sts, Ec2Client ec2) {
    this.sts = sts;
    this.ec2 = ec2;
  }

  @Override
  public Identity identity() {
    GetCallerIdentityResponse response = AwsErrors.call("STS.GetCallerIdentity", sts::getCallerIdentity);
    return new Identity(response.account(), response.arn());
  }

  @Override
  public List<String> regions() {
    return AwsErrors.call("EC2.DescribeRegions",
        () -> ec2.describeRegions().regions().stream().map(Region::regionName).sorted().toList());
  }

  @Override
  public List<String> availabilityZones() {
    return AwsErrors.call("EC2.DescribeAvailabilityZones", () -> ec2.describeAvailabilityZones().availabilityZones()
        .stream().filter(z -> "available".equals(z.stateAsString())).map(AvailabilityZone::zoneName).sorted().toList());
  }
}
