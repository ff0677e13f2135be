package gifmachine.infra;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ecs.AwsLogDriverProps;
import software.amazon.awscdk.services.ecs.AuthorizationConfig;
import software.amazon.awscdk.services.ecs.CloudMapOptions;
import software.amazon.awscdk.services.ecs.ContainerDefinition;
import software.amazon.awscdk.services.ecs.ContainerDefinitionOptions;
import software.amazon.awscdk.services.ecs.ContainerImage;
import software.amazon.awscdk.services.ecs.EfsVolumeConfiguration;
import software.amazon.awscdk.services.ecs.FargateService;
import software.amazon.awscdk.services.ecs.FargateTaskDefinition;
import software.amazon.awscdk.services.ecs.LoadBalancerTargetOptions;
import software.amazon.awscdk.services.ecs.LogDrivers;
import software.amazon.awscdk.services.ecs.MountPoint;
import software.amazon.awscdk.services.ecs.PortMapping;
import software.amazon.awscdk.services.ecs.PropagatedTagSource;
import software.amazon.awscdk.services.ecs.Secret;
import software.amazon.awscdk.services.ecs.Volume;
import software.amazon.awscdk.services.efs.AccessPoint;
import software.amazon.awscdk.services.efs.AccessPointOptions;
import software.amazon.awscdk.services.efs.Acl;
import software.amazon.awscdk.services.efs.FileSystem;
import software.amazon.awscdk.services.efs.PosixUser;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationListener;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationProtocol;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationTargetGroup;
import software.amazon.awscdk.services.elasticloadbalancingv2.HealthCheck;
import software.amazon.awscdk.services.elasticloadbalancingv2.ListenerCertificate;
import software.amazon.awscdk.services.elasticloadbalancingv2.SslPolicy;
import software.amazon.awscdk.services.elasticloadbalancingv2.TargetType;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.secretsmanager.SecretStringGenerator;
import software.amazon.awscdk.services.servicediscovery.DnsRecordType;
import software.amazon.awscdk.services.servicediscovery.PrivateDnsNamespace;
import software.constructs.Construct;

/**
 * Monitoring: Prometheus and cDepot in one Fargate task (cSidecars post heartbeats to {@code
 * cdepot.<namespace>:8002}, Prometheus reads its targets from cDepot on localhost), with Grafana
 * in the same task by default (the cost choice: one task instead of two, ~$7/month) or in its
 * own by option; data on an encrypted EFS file system through one access point each. Grafana is reached
 * through the Gifmachine load balancer on its own listener (3000) with a generated admin
 * password in Secrets Manager and anonymous access off; Prometheus has no listener and no
 * ingress from outside the monitoring security group.
 */
public final class MonitoringStack extends Stack {

  /** One task for Prometheus + cDepot + Grafana (the default), or for the first two. */
  static final int MONITORING_TASK_CPU = 256;
  static final int MONITORING_TASK_MEMORY_MIB = 1024;
  static final int GRAFANA_TASK_CPU = 256;
  static final int GRAFANA_TASK_MEMORY_MIB = 512;
  static final String PROMETHEUS_RETENTION = "15d";
  static final String GRAFANA_DATA = "/grafana-data";
  /** UIDs the official images run as: nobody (Prometheus), grafana (472). */
  static final String PROMETHEUS_UID = "65534";
  static final String GRAFANA_UID = "472";

  private final FargateService prometheusService;

  public MonitoringStack(Construct scope, String id, StackProps props, DeploymentConfig config,
      NetworkStack network, RegistryStack registry, GifmachineStack gifmachine) {
    super(scope, id, props);
    PrivateDnsNamespace namespace = PrivateDnsNamespace.Builder.create(this, "Namespace")
        .name(config.serviceDiscoveryNamespace())
        .vpc(network.vpc())
        .description("gifmachine-on-aws " + config.deploymentName() + " service discovery")
        .build();

    SecurityGroup storageSecurityGroup = SecurityGroup.Builder.create(this, "StorageSecurityGroup")
        .vpc(network.vpc())
        .description("Monitoring EFS: NFS from the monitoring tasks only")
        .allowAllOutbound(false)
        .build();
    storageSecurityGroup.addIngressRule(network.monitoringSecurityGroup(), Port.tcp(2049), "NFS");
    FileSystem storage = FileSystem.Builder.create(this, "Storage")
        .vpc(network.vpc())
        .vpcSubnets(network.privateSubnets())
        .securityGroup(storageSecurityGroup)
        .encrypted(true)
        .removalPolicy(RemovalPolicy.DESTROY)
        .build();

    LogGroup logs = LogGroup.Builder.create(this, "Logs")
        .retention(GifmachineStack.LOG_RETENTION)
        .removalPolicy(RemovalPolicy.DESTROY)
        .build();

    // Prometheus + cDepot (+ Grafana unless it gets its own task)
    boolean separate = config.separateGrafanaTask();
    FargateTaskDefinition prometheusTask = task(separate ? "Prometheus" : "Monitoring", config,
        MONITORING_TASK_CPU, MONITORING_TASK_MEMORY_MIB);
    mount(prometheusTask, storage, "prometheus", PROMETHEUS_UID);
    ContainerDefinition prometheus = prometheusTask.addContainer("prometheus",
        ContainerDefinitionOptions.builder()
            .containerName("prometheus")
            .image(ContainerImage.fromRegistry(config.images().prometheus()))
            .essential(true)
            .command(List.of(
                "--config.file=/etc/prometheus/prometheus.yml",
                "--storage.tsdb.path=/prometheus",
                "--storage.tsdb.retention.time=" + PROMETHEUS_RETENTION))
            .portMappings(List.of(
                PortMapping.builder().containerPort(NetworkStack.PROMETHEUS_PORT).build()))
            .logging(logging(logs, "prometheus"))
            .build());
    prometheus.addMountPoints(MountPoint.builder()
        .sourceVolume("prometheus").containerPath("/prometheus").readOnly(false).build());
    prometheusTask.addContainer("cdepot", ContainerDefinitionOptions.builder()
        .containerName("cdepot")
        .image(ContainerImage.fromRegistry(config.images().cdepot()))
        .essential(true)
        .environment(Map.of(
            "CDEPOT_PORT", Integer.toString(NetworkStack.CDEPOT_PORT),
            "CDEPOT_TTL_SECONDS", "30"))
        .portMappings(List.of(
            PortMapping.builder().containerPort(NetworkStack.CDEPOT_PORT).build()))
        .logging(logging(logs, "cdepot"))
        .build());
    registry.repository(RegistryStack.Image.PROMETHEUS)
        .grantPull(prometheusTask.obtainExecutionRole());
    registry.repository(RegistryStack.Image.CDEPOT)
        .grantPull(prometheusTask.obtainExecutionRole());
    prometheusService = service(separate ? "Prometheus" : "Monitoring", gifmachine, network,
        prometheusTask, CloudMapOptions.builder()
            .cloudMapNamespace(namespace)
            .name("cdepot")
            .dnsRecordType(DnsRecordType.A)
            .dnsTtl(Duration.seconds(10))
            .build());

    // Grafana
    software.amazon.awscdk.services.secretsmanager.Secret adminPassword =
        software.amazon.awscdk.services.secretsmanager.Secret.Builder.create(this, "GrafanaAdmin")
            .description("Grafana admin password of " + config.deploymentName())
            .generateSecretString(SecretStringGenerator.builder()
                .passwordLength(32)
                .excludePunctuation(true)
                .build())
            .removalPolicy(RemovalPolicy.DESTROY)
            .build();
    FargateTaskDefinition grafanaTask = separate
        ? task("Grafana", config, GRAFANA_TASK_CPU, GRAFANA_TASK_MEMORY_MIB)
        : prometheusTask;
    mount(grafanaTask, storage, "grafana", GRAFANA_UID);
    ContainerDefinition grafana = grafanaTask.addContainer("grafana",
        ContainerDefinitionOptions.builder()
            .containerName("grafana")
            .image(ContainerImage.fromRegistry(config.images().grafana()))
            .essential(true)
            .environment(Map.of(
                // In its own task Grafana finds Prometheus at cDepot's task (same address).
                "PROMETHEUS_URL", separate
                    ? "http://cdepot." + config.serviceDiscoveryNamespace() + ":"
                        + NetworkStack.PROMETHEUS_PORT
                    : "http://localhost:" + NetworkStack.PROMETHEUS_PORT,
                "GF_PATHS_DATA", GRAFANA_DATA,
                "GF_SECURITY_ADMIN_USER", "admin",
                "GF_AUTH_ANONYMOUS_ENABLED", "false",
                "GF_USERS_ALLOW_SIGN_UP", "false",
                "GF_SECURITY_COOKIE_SECURE", Boolean.toString(config.certificate().isPresent()),
                "GF_ANALYTICS_REPORTING_ENABLED", "false"))
            .secrets(Map.of("GF_SECURITY_ADMIN_PASSWORD", Secret.fromSecretsManager(adminPassword)))
            .portMappings(List.of(
                PortMapping.builder().containerPort(NetworkStack.GRAFANA_PORT).build()))
            .logging(logging(logs, "grafana"))
            .build());
    grafana.addMountPoints(MountPoint.builder()
        .sourceVolume("grafana").containerPath(GRAFANA_DATA).readOnly(false).build());
    registry.repository(RegistryStack.Image.GRAFANA).grantPull(grafanaTask.obtainExecutionRole());
    FargateService grafanaService = separate
        ? service("Grafana", gifmachine, network, grafanaTask, null)
        : prometheusService;

    ApplicationTargetGroup grafanaTargets = ApplicationTargetGroup.Builder.create(this,
            "GrafanaTargets")
        .vpc(network.vpc())
        .port(NetworkStack.GRAFANA_PORT)
        .protocol(ApplicationProtocol.HTTP)
        .targetType(TargetType.IP)
        .deregistrationDelay(Duration.seconds(10))
        .healthCheck(HealthCheck.builder().path("/api/health").healthyHttpCodes("200").build())
        .build();
    // Name the container: in the shared task the default one is Prometheus.
    grafanaTargets.addTarget(grafanaService.loadBalancerTarget(LoadBalancerTargetOptions.builder()
        .containerName("grafana")
        .containerPort(NetworkStack.GRAFANA_PORT)
        .build()));
    var listener = ApplicationListener.Builder.create(this, "GrafanaListener")
        .loadBalancer(gifmachine.loadBalancer())
        .port(NetworkStack.GRAFANA_PORT)
        .defaultTargetGroups(List.of(grafanaTargets))
        .open(false);
    config.certificate().ifPresentOrElse(
        arn -> listener.protocol(ApplicationProtocol.HTTPS)
            .sslPolicy(SslPolicy.RECOMMENDED_TLS)
            .certificates(List.of(ListenerCertificate.fromArn(arn))),
        () -> listener.protocol(ApplicationProtocol.HTTP));
    listener.build();

    CfnOutput.Builder.create(this, StackOutputs.GRAFANA_URL)
        .value(gifmachine.url(":" + NetworkStack.GRAFANA_PORT)).build();
    CfnOutput.Builder.create(this, StackOutputs.GRAFANA_ADMIN_SECRET_ARN)
        .value(adminPassword.getSecretArn()).build();
    CfnOutput.Builder.create(this, StackOutputs.MONITORING_SERVICE_NAME)
        .value(prometheusService.getServiceName()).build();
  }

  private FargateTaskDefinition task(String id, DeploymentConfig config, int cpu, int memory) {
    return FargateTaskDefinition.Builder.create(this, id + "Task")
        .family(config.deploymentName() + "-" + id.toLowerCase(java.util.Locale.ROOT))
        .cpu(cpu)
        .memoryLimitMiB(memory)
        .runtimePlatform(GifmachineStack.runtimePlatform(config))
        .build();
  }

  /** An EFS volume named {@code name} through its own access point owned by {@code uid}. */
  private void mount(FargateTaskDefinition task, FileSystem storage, String name, String uid) {
    AccessPoint accessPoint = storage.addAccessPoint(name, AccessPointOptions.builder()
        .path("/" + name)
        .posixUser(PosixUser.builder().uid(uid).gid(uid).build())
        .createAcl(Acl.builder().ownerUid(uid).ownerGid(uid).permissions("750").build())
        .build());
    task.addVolume(Volume.builder()
        .name(name)
        .efsVolumeConfiguration(EfsVolumeConfiguration.builder()
            .fileSystemId(storage.getFileSystemId())
            .transitEncryption("ENABLED")
            .authorizationConfig(AuthorizationConfig.builder()
                .accessPointId(accessPoint.getAccessPointId())
                .iam("ENABLED")
                .build())
            .build())
        .build());
    storage.grant(task.getTaskRole(), "elasticfilesystem:ClientMount",
        "elasticfilesystem:ClientWrite");
  }

  private static software.amazon.awscdk.services.ecs.LogDriver logging(LogGroup logs,
      String prefix) {
    return LogDrivers.awsLogs(AwsLogDriverProps.builder().logGroup(logs).streamPrefix(prefix)
        .build());
  }

  private FargateService service(String id, GifmachineStack gifmachine, NetworkStack network,
      FargateTaskDefinition task, CloudMapOptions cloudMap) {
    FargateService.Builder builder = FargateService.Builder.create(this, id + "Service")
        .cluster(gifmachine.cluster())
        .taskDefinition(task)
        .desiredCount(1)
        .assignPublicIp(false)
        .vpcSubnets(network.privateSubnets())
        .securityGroups(List.of(network.monitoringSecurityGroup()))
        .enableExecuteCommand(true)
        .propagateTags(PropagatedTagSource.SERVICE)
        // One writer on the EFS data at a time: stop the old task before starting the new.
        .minHealthyPercent(0)
        .maxHealthyPercent(100);
    if (cloudMap != null) {
      builder.cloudMapOptions(cloudMap);
    }
    return builder.build();
  }

  public FargateService prometheusService() {
    return prometheusService;
  }
}
