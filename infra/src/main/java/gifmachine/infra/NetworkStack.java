package gifmachine.infra;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.Metric;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.cloudwatch.actions.Ec2Action;
import software.amazon.awscdk.services.cloudwatch.actions.Ec2InstanceAction;
import software.amazon.awscdk.services.ec2.AmazonLinux2023ImageSsmParameterProps;
import software.amazon.awscdk.services.ec2.AmazonLinuxCpuType;
import software.amazon.awscdk.services.ec2.CfnInstance;
import software.amazon.awscdk.services.ec2.FlowLogDestination;
import software.amazon.awscdk.services.ec2.FlowLogOptions;
import software.amazon.awscdk.services.ec2.FlowLogTrafficType;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.GatewayVpcEndpointOptions;
import software.amazon.awscdk.services.ec2.IMachineImage;
import software.amazon.awscdk.services.ec2.InstanceType;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpointAwsService;
import software.amazon.awscdk.services.ec2.InterfaceVpcEndpointOptions;
import software.amazon.awscdk.services.ec2.IpAddresses;
import software.amazon.awscdk.services.ec2.MachineImage;
import software.amazon.awscdk.services.ec2.MachineImageConfig;
import software.amazon.awscdk.services.ec2.NatInstanceProps;
import software.amazon.awscdk.services.ec2.NatInstanceProviderV2;
import software.amazon.awscdk.services.ec2.NatProvider;
import software.amazon.awscdk.services.ec2.NatTrafficDirection;
import software.amazon.awscdk.services.ec2.OperatingSystemType;
import software.amazon.awscdk.services.ec2.Peer;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetConfiguration;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.ec2.SubnetType;
import software.amazon.awscdk.services.ec2.UserData;
import software.amazon.awscdk.services.ec2.Vpc;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.constructs.Construct;

/**
 * The VPC over two availability zones (public and private subnets), NAT, endpoints, and the
 * security groups of the load balancer (open only to CloudFront's origin-facing prefix list with
 * the default edge), the service and monitoring. The security groups live here, not with their
 * users, because the database stack (deployed before the service) opens 5432 to them; every rule
 * between them is written here, each port named once.
 *
 * <p>NAT is one Graviton instance ({@code t4g.nano}, Amazon Linux 2023 from the public SSM
 * parameter) by default, a managed NAT gateway by option; either way a single one, the cost choice
 * (one zone's NAT failing cuts the other zone's egress, not its serving).
 */
public final class NetworkStack extends Stack {

  static final int APP_PORT = ImageName.GIFMACHINE.port();
  static final int SIDECAR_PORT = ImageName.CSIDECAR.port();
  static final int CDEPOT_PORT = ImageName.CDEPOT.port();
  static final int PROMETHEUS_PORT = ImageName.PROMETHEUS.port();
  static final int GRAFANA_PORT = ImageName.GRAFANA.port();
  static final int TEST_LISTENER_PORT = 8080;

  /**
   * The public SSM parameter naming the newest Amazon Linux 2023 ARM64 AMI; the CLI reads it at the
   * first {@code up} (and with {@code --refresh-nat-image}), never the template on its own.
   * https://docs.aws.amazon.com/linux/al2023/ug/ec2.html#launch-from-ssm
   */
  public static final String NAT_AMI_PARAMETER =
      "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-arm64";

  /** The NAT instance's type; the CLI picks zones that offer it. */
  public static final String NAT_INSTANCE_TYPE = "t4g.nano";

  private final Vpc vpc;
  private final SecurityGroup loadBalancerSecurityGroup;
  private final SecurityGroup serviceSecurityGroup;
  private final SecurityGroup monitoringSecurityGroup;

  public NetworkStack(Construct scope, String id, StackProps props, DeploymentConfig config) {
    super(scope, id, props);
    NatProvider nat =
        config.natGateway()
            ? NatProvider.gateway()
            : NatProvider.instanceV2(
                NatInstanceProps.builder()
                    .instanceType(new InstanceType(NAT_INSTANCE_TYPE))
                    .machineImage(natImage(config))
                    // The default lets the whole internet in; only the VPC may use the NAT.
                    .defaultAllowedTraffic(NatTrafficDirection.OUTBOUND_ONLY)
                    .userData(natUserData())
                    .build());

    LogGroup flowLogs =
        LogGroup.Builder.create(this, "FlowLogs")
            .retention(RetentionDays.TWO_WEEKS)
            .removalPolicy(RemovalPolicy.DESTROY)
            .build();

    vpc =
        Vpc.Builder.create(this, "Vpc")
            .ipAddresses(IpAddresses.cidr("10.0.0.0/16"))
            .maxAzs(config.availabilityZones().isEmpty() ? 2 : null)
            .availabilityZones(
                config.availabilityZones().isEmpty() ? null : config.availabilityZones())
            .natGateways(1)
            .natGatewayProvider(nat)
            // The default is a custom resource (Lambda code asset) that empties the default group.
            .restrictDefaultSecurityGroup(false)
            .subnetConfiguration(
                List.of(
                    SubnetConfiguration.builder()
                        .name("Public")
                        .subnetType(SubnetType.PUBLIC)
                        .cidrMask(24)
                        .build(),
                    SubnetConfiguration.builder()
                        .name("Private")
                        .subnetType(SubnetType.PRIVATE_WITH_EGRESS)
                        .cidrMask(22)
                        .build()))
            .gatewayEndpoints(
                Map.of(
                    "S3",
                    GatewayVpcEndpointOptions.builder()
                        .service(GatewayVpcEndpointAwsService.S3)
                        .build()))
            // Rejected traffic only: what an operator needs to debug a rule, at a tenth of the
            // volume.
            .flowLogs(
                Map.of(
                    "Rejected",
                    FlowLogOptions.builder()
                        .destination(FlowLogDestination.toCloudWatchLogs(flowLogs))
                        .trafficType(FlowLogTrafficType.REJECT)
                        .build()))
            .build();

    // Read back by the CLI on every later up: the zones and the NAT image stay what the first up
    // chose (a new zone would replace every subnet; a new image, the NAT instance). A network
    // on Fn::GetAZs records nothing, so it stays on Fn::GetAZs.
    if (!config.availabilityZones().isEmpty()) {
      CfnOutput.Builder.create(this, StackOutputs.AVAILABILITY_ZONES)
          .value(String.join(",", config.availabilityZones()))
          .build();
    }
    if (!config.natGateway() && !config.natImageId().isEmpty()) {
      CfnOutput.Builder.create(this, StackOutputs.NAT_IMAGE_ID).value(config.natImageId()).build();
    }
    if (nat instanceof NatInstanceProviderV2 instances) {
      instances
          .getConnections()
          .allowFrom(
              Peer.ipv4(vpc.getVpcCidrBlock()), Port.allTraffic(), "NAT for the private subnets");
      hardenNatInstances();
      instances.getGatewayInstances().forEach(this::recoverNatInstance);
    }
    if (config.interfaceEndpoints()) {
      // With these, ECR pulls, logs, secrets and ECS Exec stay inside the VPC (but each costs
      // an hourly fee per zone, more than the NAT instance).
      Ordered.byKey(
              Map.of(
                  "EcrApi",
                  InterfaceVpcEndpointAwsService.ECR,
                  "EcrDocker",
                  InterfaceVpcEndpointAwsService.ECR_DOCKER,
                  "Logs",
                  InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
                  "SecretsManager",
                  InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
                  "SsmMessages",
                  InterfaceVpcEndpointAwsService.SSM_MESSAGES))
          .forEach(
              (name, service) ->
                  vpc.addInterfaceEndpoint(
                      name,
                      InterfaceVpcEndpointOptions.builder()
                          .service(service)
                          .privateDnsEnabled(true)
                          .subnets(privateSubnets())
                          .build()));
    }

    boolean cloudFront = config.edge() == Edge.CLOUDFRONT;
    loadBalancerSecurityGroup =
        securityGroup(
            "LoadBalancer",
            cloudFront
                ? "Gifmachine internal load balancer: HTTP from CloudFront origin-facing servers only"
                : "Gifmachine load balancer: HTTP(S) from the internet",
            false);
    serviceSecurityGroup = securityGroup("Service", "Gifmachine tasks", true);
    monitoringSecurityGroup =
        securityGroup("Monitoring", "Prometheus, cDepot and Grafana tasks", true);

    if (cloudFront) {
      // The AWS-managed prefix list of CloudFront's origin-facing addresses, the way AWS
      // documents locking a VPC origin to CloudFront; its ID differs per region and is looked up
      // by the CLI (EC2 DescribeManagedPrefixLists), not by a custom resource.
      // https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-vpc-origins.html
      // https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/LocationsOfEdgeServers.html#managed-prefix-list
      // A prefix list counts as its maximum entries (55 for this one) against the 60 inbound
      // rules a security group may have, so this group takes no other inbound rule.
      // https://docs.aws.amazon.com/vpc/latest/userguide/amazon-vpc-limits.html#vpc-limits-security-groups
      loadBalancerSecurityGroup.addIngressRule(
          Peer.prefixList(config.prefixListOrPlaceholder()),
          Port.tcp(80),
          "HTTP from CloudFront (VPC origin)");
    } else {
      loadBalancerSecurityGroup.addIngressRule(
          Peer.anyIpv4(),
          Port.tcp(80),
          config.certificate().isPresent() ? "HTTP, redirected to HTTPS" : "HTTP");
      config
          .certificate()
          .ifPresent(
              arn ->
                  loadBalancerSecurityGroup.addIngressRule(Peer.anyIpv4(), Port.tcp(443), "HTTPS"));
    }
    allow(loadBalancerSecurityGroup, serviceSecurityGroup, APP_PORT, "Gifmachine");
    if (config.monitoring()) {
      // Grafana is a path (/grafana/) on the load balancer's port 80/443, never its own port.
      allow(loadBalancerSecurityGroup, monitoringSecurityGroup, GRAFANA_PORT, "Grafana");
      if (!config.separateGrafanaTask()) {
        allow(
            loadBalancerSecurityGroup,
            monitoringSecurityGroup,
            CDEPOT_PORT,
            "Health checks of the monitoring task (cDepot: Grafana is not essential there)");
      }
      allow(monitoringSecurityGroup, serviceSecurityGroup, APP_PORT, "Prometheus scrapes the app");
      allow(
          monitoringSecurityGroup,
          serviceSecurityGroup,
          SIDECAR_PORT,
          "Prometheus scrapes cSidecar");
      monitoringSecurityGroup.addIngressRule(
          serviceSecurityGroup, Port.tcp(CDEPOT_PORT), "cSidecar heartbeats to cDepot");
      if (config.separateGrafanaTask()) {
        monitoringSecurityGroup.addIngressRule(
            monitoringSecurityGroup, Port.tcp(PROMETHEUS_PORT), "Grafana queries Prometheus");
      }
    }
  }

  private SecurityGroup securityGroup(String id, String description, boolean allOutbound) {
    return SecurityGroup.Builder.create(this, id + "SecurityGroup")
        .vpc(vpc)
        .description(description)
        .allowAllOutbound(allOutbound)
        .build();
  }

  /** Ingress on {@code to} from {@code from}, and egress the other way when it is restricted. */
  private static void allow(SecurityGroup from, SecurityGroup to, int port, String why) {
    to.addIngressRule(from, Port.tcp(port), why);
    if (!from.getAllowAllOutbound()) {
      from.addEgressRule(to, Port.tcp(port), why);
    }
  }

  /**
   * The AMI the CLI resolved and keeps ({@link DeploymentConfig#natImageId()}), or, for synthesis
   * without AWS access, the public SSM parameter resolved by CloudFormation on each deployment.
   */
  private static IMachineImage natImage(DeploymentConfig config) {
    if (!config.natImageId().isEmpty()) {
      // The ID itself in the template: genericLinux would write a region mapping, since the
      // stacks are environment-agnostic.
      String imageId = config.natImageId();
      return new IMachineImage() {
        @Override
        public MachineImageConfig getImage(Construct scope) {
          return MachineImageConfig.builder()
              .imageId(imageId)
              .osType(OperatingSystemType.LINUX)
              .userData(UserData.forLinux())
              .build();
        }
      };
    }
    return MachineImage.latestAmazonLinux2023(
        AmazonLinux2023ImageSsmParameterProps.builder().cpuType(AmazonLinuxCpuType.ARM_64).build());
  }

  /**
   * NAT set up with what Amazon Linux 2023 already has (sysctl, nftables; iptables as a fallback),
   * by a systemd unit that runs on every boot, after the network is up. CDK's default user data
   * runs {@code dnf install iptables-services} once, from cloud-init: on a t4g.nano (0.5 GiB) a dnf
   * metadata download can run out of memory, it races cloud-init's own package work, and after a
   * reboot or an EC2 recovery nothing sets NAT up again.
   */
  static UserData natUserData() {
    UserData userData = UserData.forLinux();
    userData.addCommands(
        "cat > /usr/local/sbin/gifmachine-nat <<'EOF'",
        "#!/bin/sh",
        "set -eu",
        "sysctl -q -w net.ipv4.ip_forward=1",
        "interface=$(ip -4 route show default | awk '{print $5; exit}')",
        "if command -v nft >/dev/null; then",
        "  nft delete table ip gifmachine_nat 2>/dev/null || true",
        "  nft add table ip gifmachine_nat",
        "  nft 'add chain ip gifmachine_nat postrouting { type nat hook postrouting priority srcnat; policy accept; }'",
        "  nft add rule ip gifmachine_nat postrouting oifname \"$interface\" masquerade",
        "else",
        "  iptables -t nat -C POSTROUTING -o \"$interface\" -j MASQUERADE 2>/dev/null"
            + " || iptables -t nat -A POSTROUTING -o \"$interface\" -j MASQUERADE",
        "fi",
        "EOF",
        "chmod 0755 /usr/local/sbin/gifmachine-nat",
        "cat > /etc/systemd/system/gifmachine-nat.service <<'EOF'",
        "[Unit]",
        "Description=Gifmachine NAT: forwarding and masquerade for the private subnets",
        "Wants=network-online.target",
        "After=network-online.target",
        "[Service]",
        "Type=oneshot",
        "RemainAfterExit=yes",
        "ExecStart=/usr/local/sbin/gifmachine-nat",
        "[Install]",
        "WantedBy=multi-user.target",
        "EOF",
        "systemctl daemon-reload",
        "systemctl enable --now gifmachine-nat.service");
    return userData;
  }

  /**
   * Self-recovery in place: EC2 recovers the instance (same id, private address and network
   * interface, so the private route tables stay right) when AWS's hardware fails its system status
   * check, and reboots it when its own status check fails; the NAT unit runs again on boot. An Auto
   * Scaling group of one would replace the instance, and the route tables would still name the old
   * instance until something rewrote them.
   * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/UsingAlarmActions.html
   */
  private void recoverNatInstance(software.amazon.awscdk.services.ec2.Instance instance) {
    Map.of(
            "StatusCheckFailed_System",
            Ec2InstanceAction.RECOVER,
            "StatusCheckFailed_Instance",
            Ec2InstanceAction.REBOOT)
        .forEach(
            (metric, action) ->
                Alarm.Builder.create(
                        this, "Nat" + metric.replace("StatusCheckFailed_", "") + "Alarm")
                    .alarmDescription(
                        "NAT instance "
                            + metric
                            + ": "
                            + action.name().toLowerCase(java.util.Locale.ROOT)
                            + " it")
                    .metric(
                        Metric.Builder.create()
                            .namespace("AWS/EC2")
                            .metricName(metric)
                            .dimensionsMap(Map.of("InstanceId", instance.getInstanceId()))
                            .statistic("Maximum")
                            .period(software.amazon.awscdk.Duration.minutes(1))
                            .build())
                    .threshold(1)
                    .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
                    .evaluationPeriods(action == Ec2InstanceAction.RECOVER ? 2 : 3)
                    .treatMissingData(TreatMissingData.MISSING)
                    .build()
                    .addAlarmAction(new Ec2Action(action)));
  }

  /** IMDSv2 only and an encrypted root volume: NatInstanceProps offers neither. */
  private void hardenNatInstances() {
    for (software.constructs.IConstruct child : getNode().findAll()) {
      if (child instanceof CfnInstance instance) {
        instance.addPropertyOverride("MetadataOptions.HttpTokens", "required");
        instance.addPropertyOverride("MetadataOptions.HttpEndpoint", "enabled");
        instance.addPropertyOverride(
            "BlockDeviceMappings",
            List.of(
                Map.of(
                    "DeviceName",
                    "/dev/xvda",
                    "Ebs",
                    Map.of("Encrypted", true, "VolumeType", "gp3", "DeleteOnTermination", true))));
        instance.addPropertyOverride("Monitoring", false);
      }
    }
  }

  public SubnetSelection privateSubnets() {
    return SubnetSelection.builder().subnetType(SubnetType.PRIVATE_WITH_EGRESS).build();
  }

  public SubnetSelection publicSubnets() {
    return SubnetSelection.builder().subnetType(SubnetType.PUBLIC).build();
  }

  public Vpc vpc() {
    return vpc;
  }

  public SecurityGroup loadBalancerSecurityGroup() {
    return loadBalancerSecurityGroup;
  }

  public SecurityGroup serviceSecurityGroup() {
    return serviceSecurityGroup;
  }

  public SecurityGroup monitoringSecurityGroup() {
    return monitoringSecurityGroup;
  }
}
