package gifmachine.cli.deploy;

import gifmachine.cli.aws.Aws;
import gifmachine.cli.aws.DatabaseGateway;
import gifmachine.cli.deploy.DeploymentException.Exit;
import gifmachine.infra.DeploymentConfig;
import gifmachine.infra.NetworkStack;
import gifmachine.infra.StackOutputs;
import gifmachine.infra.StackPart;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * What the first {@code up} decides and every later {@code up} and {@code plan} keeps, read back
 * from the deployed stacks' outputs: the two availability zones (chosen where the NAT instance type
 * is offered), the NAT instance's AMI (moved only by {@code up --refresh-nat-image}) and the DB
 * snapshot the database was restored from (which CloudFormation must be given again on every
 * update, or it replaces the database with an empty one).
 *
 * <pre>{@code
 * DeploymentConfig kept = KeptChoices.apply(aws, config, Stacks.read(aws, config),
 *     new KeptChoices.Requests(false, question -> false), step -> {});
 * }</pre>
 */
public final class KeptChoices {

  /**
   * What this {@code up} asks to change.
   *
   * @param refreshNatImage move the NAT instance to the newest AMI of its SSM parameter
   * @param replaceDatabase asked, with what would happen, before a live database is replaced by a
   *     restore; true goes ahead
   */
  public record Requests(boolean refreshNatImage, Predicate<String> replaceDatabase) {
    /** Nothing asked: keep everything, refuse to replace a database. */
    public static final Requests NONE = new Requests(false, question -> false);
  }

  private KeptChoices() {}

  /** {@code config} with the zones, NAT image and snapshot to synthesize with. */
  public static DeploymentConfig apply(
      Aws aws, DeploymentConfig config, Stacks deployed, Requests requests, Consumer<String> step) {
    DeploymentConfig.Builder builder =
        config.toBuilder()
            .availabilityZones(zones(aws, config, deployed, step))
            .natImageId(natImage(aws, config, deployed, requests.refreshNatImage(), step))
            .restoreSnapshot(snapshot(aws, config, deployed, requests.replaceDatabase(), step));
    return builder.build();
  }

  /**
   * The zones the network stack recorded; for a new network, the region's first two zones (in name
   * order) that offer the NAT instance type (EC2 DescribeInstanceTypeOfferings): a zone without it
   * fails the instance's creation ("Unsupported", "Your requested instance type is not supported in
   * your requested Availability Zone"). A network from before zones were recorded keeps
   * CloudFormation's choice ({@code Fn::GetAZs}), since changing a subnet's zone replaces it.
   * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-instance-discover-instance-types.html
   */
  static List<String> zones(
      Aws aws, DeploymentConfig config, Stacks deployed, Consumer<String> step) {
    Optional<String> recorded = deployed.output(StackPart.NETWORK, StackOutputs.AVAILABILITY_ZONES);
    if (recorded.isPresent()) {
      List<String> zones = Arrays.stream(recorded.get().split(",")).map(String::trim).toList();
      requireOffered(aws, config, zones.get(0));
      return zones;
    }
    if (deployed.stack(StackPart.NETWORK).isPresent()) {
      return List.of();
    }
    List<String> available =
        Preflight.guard("listing availability zones", () -> aws.account().availabilityZones())
            .stream()
            .filter(zone -> zone.matches(java.util.regex.Pattern.quote(config.region()) + "[a-z]"))
            .sorted()
            .toList();
    List<String> qualifying = new ArrayList<>(available);
    if (!config.natGateway()) {
      List<String> offering =
          Preflight.guard(
              "listing the zones that offer " + NetworkStack.NAT_INSTANCE_TYPE,
              () -> aws.account().zonesOffering(NetworkStack.NAT_INSTANCE_TYPE));
      qualifying.retainAll(offering);
    }
    if (qualifying.size() < 2) {
      throw new DeploymentException(
          Exit.CONFIG,
          "region "
              + config.region()
              + ": "
              + (config.natGateway()
                  ? ""
                  : qualifying.size()
                      + " of its "
                      + available.size()
                      + " zones offer the NAT instance type "
                      + NetworkStack.NAT_INSTANCE_TYPE
                      + " "
                      + qualifying
                      + ", ")
              + "the network needs 2",
          config.natGateway()
              ? "choose another region"
              : "choose another region, or use a managed NAT gateway (--nat-gateway), offered in every zone");
    }
    List<String> chosen = List.copyOf(qualifying.subList(0, 2));
    step.accept(
        "availability zones "
            + String.join(", ", chosen)
            + (config.natGateway() ? "" : " (offering " + NetworkStack.NAT_INSTANCE_TYPE + ")"));
    return chosen;
  }

  /** Switching to the NAT instance on a network whose first zone lacks its type cannot work. */
  private static void requireOffered(Aws aws, DeploymentConfig config, String natZone) {
    if (config.natGateway()) {
      return;
    }
    List<String> offering =
        Preflight.guard(
            "listing the zones that offer " + NetworkStack.NAT_INSTANCE_TYPE,
            () -> aws.account().zonesOffering(NetworkStack.NAT_INSTANCE_TYPE));
    if (!offering.contains(natZone)) {
      throw new DeploymentException(
          Exit.CONFIG,
          "NAT instance: "
              + NetworkStack.NAT_INSTANCE_TYPE
              + " is not offered in "
              + natZone
              + ", the zone of this deployment's first public subnet",
          "keep the managed NAT gateway (--nat-gateway)");
    }
  }

  /**
   * The AMI the network stack recorded, or the newest one from the public SSM parameter for a new
   * NAT instance, for a network from before the AMI was recorded, and when asked to refresh.
   * https://docs.aws.amazon.com/systems-manager/latest/userguide/parameter-store-public-parameters-ami.html
   */
  static String natImage(
      Aws aws, DeploymentConfig config, Stacks deployed, boolean refresh, Consumer<String> step) {
    if (config.natGateway()) {
      return "";
    }
    Optional<String> recorded = deployed.output(StackPart.NETWORK, StackOutputs.NAT_IMAGE_ID);
    if (recorded.isPresent() && !refresh) {
      step.accept(
          "NAT image " + recorded.get() + " (kept; up --refresh-nat-image moves to the newest)");
      return recorded.get();
    }
    String newest =
        Preflight.guard(
                "reading " + NetworkStack.NAT_AMI_PARAMETER,
                () -> aws.account().publicParameter(NetworkStack.NAT_AMI_PARAMETER))
            .orElseThrow(
                () ->
                    new DeploymentException(
                        Exit.CONFIG,
                        "NAT image: the public parameter "
                            + NetworkStack.NAT_AMI_PARAMETER
                            + " does not exist in "
                            + config.region(),
                        "use a managed NAT gateway (--nat-gateway)"));
    if (recorded.isPresent() && recorded.get().equals(newest)) {
      step.accept("NAT image " + newest + " (already the newest)");
    } else {
      step.accept(
          "NAT image "
              + newest
              + " (the newest Amazon Linux 2023"
              + recorded.map(old -> "; was " + old + ": the NAT instance is replaced").orElse("")
              + ")");
    }
    return newest;
  }

  /**
   * The snapshot to give CloudFormation: the one the database was restored from, unless a new one
   * is asked for. A restore onto a live database replaces it (CloudFormation creates a new instance
   * from the snapshot, then deletes the old one, which leaves its final snapshot): only after
   * {@code replaceDatabase} says yes.
   * https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-rds-dbinstance.html#cfn-rds-dbinstance-dbsnapshotidentifier
   */
  static String snapshot(
      Aws aws,
      DeploymentConfig config,
      Stacks deployed,
      Predicate<String> replaceDatabase,
      Consumer<String> step) {
    String kept =
        deployed.output(StackPart.DATABASE, StackOutputs.RESTORED_FROM_SNAPSHOT).orElse("");
    String requested = config.restoreSnapshot();
    if (requested.isEmpty() || requested.equals(kept)) {
      return kept;
    }
    DatabaseGateway.Snapshot snapshot =
        Preflight.guard(
                "looking for DB snapshot " + requested, () -> aws.databases().snapshot(requested))
            .orElseThrow(
                () ->
                    new DeploymentException(
                        Exit.CONFIG,
                        "snapshot " + requested + ": no such DB snapshot in " + config.region(),
                        "gifmachine-on-aws status lists this deployment's snapshots"));
    if (!"available".equals(snapshot.status())) {
      throw new DeploymentException(
          Exit.CONFIG,
          "snapshot "
              + requested
              + ": is "
              + snapshot.status()
              + ", RDS restores only an available snapshot",
          "wait until it is available and run up again");
    }
    Optional<String> live = deployed.output(StackPart.DATABASE, StackOutputs.DATABASE_ENDPOINT);
    if (live.isPresent()) {
      String question =
          "The database of "
              + config.deploymentName()
              + " ("
              + live.get()
              + ") is live: restoring "
              + requested
              + " replaces it. CloudFormation creates a new instance from the snapshot, then deletes"
              + " the current one, keeping its final snapshot; whatever was written after "
              + snapshot.created()
              + " is only in that final snapshot.";
      if (!replaceDatabase.test(question)) {
        throw new DeploymentException(
            Exit.CONFLICT,
            "database of "
                + config.deploymentName()
                + ": not replaced; restoring "
                + requested
                + " would replace the live database",
            "to go ahead: up --restore-snapshot " + requested + " --replace-database");
      }
      step.accept("replacing the database with one restored from " + requested);
    } else {
      step.accept("database restored from snapshot " + requested);
    }
    return requested;
  }
}
