package gifmachine.cli.aws.rules;

import java.util.Collection;

/**
 * Amazon EC2's documented rules on where an instance can run, as the simulated account enforces
 * them for the NAT instance a network stack creates.
 */
public final class Ec2Rules {

  /**
   * Not every instance type is offered in every zone of a region; launching one where it is not
   * offered fails with {@code Unsupported} ("Your requested instance type ... is not supported in
   * your requested Availability Zone"). DescribeInstanceTypeOfferings with location type {@code
   * availability-zone} says where it is.
   */
  static final String INSTANCE_TYPE_OFFERINGS =
      "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-instance-discover-instance-types.html";

  static final String UNSUPPORTED =
      "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/troubleshooting-launch.html";

  private Ec2Rules() {}

  /**
   * An instance runs only in a zone that offers its type. ({@link #INSTANCE_TYPE_OFFERINGS}, {@link
   * #UNSUPPORTED})
   */
  public static void instanceTypeIsOfferedInItsZone(
      String instanceType, String zone, Collection<String> offeringZones) {
    if (!offeringZones.contains(zone)) {
      throw new RuleViolation(
          "RunInstances",
          "instanceTypeIsOfferedInItsZone",
          "Unsupported: Your requested instance type ("
              + instanceType
              + ") is not supported in your requested"
              + " Availability Zone ("
              + zone
              + "). Please retry your request by not specifying an Availability Zone"
              + " or choosing "
              + String.join(", ", offeringZones)
              + ".",
          INSTANCE_TYPE_OFFERINGS + ", " + UNSUPPORTED);
    }
  }
}
