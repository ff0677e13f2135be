package gifmachine.infra;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.ecs.AwsLogDriverProps;
import software.amazon.awscdk.services.ecs.CapacityProviderStrategy;
import software.amazon.awscdk.services.ecs.CloudMapOptions;
import software.amazon.awscdk.services.ecs.ContainerDefinitionOptions;
import software.amazon.awscdk.services.ecs.ContainerImage;
import software.amazon.awscdk.services.ecs.FargateService;
import software.amazon.awscdk.services.ecs.FargateTaskDefinition;
import software.amazon.awscdk.services.ecs.LoadBalancerTargetOptions;
import software.amazon.awscdk.services.ecs.LogDrivers;
import software.amazon.awscdk.services.ecs.PortMapping;
import software.amazon.awscdk.services.ecs.PropagatedTagSource;
import software.amazon.awscdk.services.ecs.Secret;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationListenerRule;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationProtocol;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationTargetGroup;
import software.amazon.awscdk.services.elasticloadbalancingv2.HealthCheck;
import software.amazon.awscdk.services.elasticloadbalancingv2.ListenerAction;
import software.amazon.awscdk.services.elasticloadbalancingv2.ListenerCondition;
import software.amazon.awscdk.services.elasticloadbalancingv2.TargetType;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.secretsmanager.SecretStringGenerator;
import software.amazon.awscdk.services.servicediscovery.DnsRecordType;
import software.amazon.awscdk.services.servicediscovery.PrivateDnsNamespace;
import software.constructs.Construct;

/**
 * Monitoring: Prometheus and cDepot in one Fargate task (cSidecars post heartbeats to {@code
 * cdepot.<namespace>:8002}, Prometheus reads its targets from cDepot on localhost), with Grafana in
 * the same task by default (the cost choice: one task instead of two, ~$7/month) or in its own by
 * option. No shared file system: Prometheus keeps its TSDB on the task's ephemeral storage for
 * {@link #PROMETHEUS_RETENTION} (history is lost when the task is replaced: a deployment, a Spot
 * interruption, a failed task), and Grafana is stateless (datasource and dashboards provisioned
 * from files in its image, admin password from Secrets Manager). The service runs on Fargate Spot
 * by default. Grafana is reached under {@code /grafana/} on the load balancer's production listener
 * (behind CloudFront with the default edge), with anonymous access off; Prometheus has no route and
 * no ingress from outside the monitoring security group.
 */
public final class MonitoringStack extends Stack {

  /** One task for Prometheus + cDepot + Grafana (the default), or for the first two. */
  static final int MONITORING_TASK_CPU = 256;

  static final int MONITORING_TASK_MEMORY_MIB = 1024;
  static final int GRAFANA_TASK_CPU = 256;
  static final int GRAFANA_TASK_MEMORY_MIB = 512;

  /**
   * Prometheus keeps this much history on the task's ephemeral storage (20 GiB by default on
   * Fargate, shared with the images), whichever limit comes first.
   */
  public static final String PROMETHEUS_RETENTION = "15d";

  static final String PROMETHEUS_RETENTION_SIZE = "4GB";

  /** Where Grafana is served on the load balancer and CloudFront. */
  static final String GRAFANA_PATH = "/grafana";

  /** After the metrics block (InternalEndpoints, 1) and before anything forwarding by default. */
  static final int GRAFANA_RULE_PRIORITY = 10;

  /**
   * Grafana's first start migrates its SQLite database and provisions dashboards (~30-60 s on 0.25
   * vCPU); the load balancer's checks start counting only after this.
   */
  static final Duration GRAFANA_GRACE = Duration.seconds(300);

  private final FargateService prometheusService;

  public MonitoringStack(
      Construct scope,
      String id,
      StackProps props,
      DeploymentConfig config,
      NetworkStack network,
      RegistryStack registry,
      GifmachineStack gifmachine) {
    super(scope, id, props);
    PrivateDnsNamespace namespace =
        PrivateDnsNamespace.Builder.create(this, "Namespace")
            .name(config.serviceDiscoveryNamespace())
            .vpc(network.vpc())
            .description("gifmachine-on-aws " + config.deploymentName() + " service discovery")
            .build();

    LogGroup logs =
        LogGroup.Builder.create(this, "Logs")
            .retention(GifmachineStack.LOG_RETENTION)
            .removalPolicy(RemovalPolicy.DESTROY)
            .build();

    // Prometheus + cDepot (+ Grafana unless it gets its own task)
    boolean separate = config.separateGrafanaTask();
    FargateTaskDefinition prometheusTask =
        task(
            separate ? "Prometheus" : "Monitoring",
            config,
            MONITORING_TASK_CPU,
            MONITORING_TASK_MEMORY_MIB);
    prometheusTask.addContainer(
        "prometheus",
        ContainerDefinitionOptions.builder()
            .containerName("prometheus")
            .image(ContainerImage.fromRegistry(config.images().get(ImageName.PROMETHEUS)))
            .essential(true)
            .command(
                List.of(
                    "--config.file=/etc/prometheus/prometheus.yml",
                    "--storage.tsdb.path=/prometheus",
                    "--storage.tsdb.retention.time=" + PROMETHEUS_RETENTION,
                    "--storage.tsdb.retention.size=" + PROMETHEUS_RETENTION_SIZE))
            .portMappings(
                List.of(PortMapping.builder().containerPort(NetworkStack.PROMETHEUS_PORT).build()))
            .logging(logging(logs, "prometheus"))
            .build());
    prometheusTask.addContainer(
        "cdepot",
        ContainerDefinitionOptions.builder()
            .containerName("cdepot")
            .image(ContainerImage.fromRegistry(config.images().get(ImageName.CDEPOT)))
            .essential(true)
            .environment(
                Ordered.byKey(
                    Map.of(
                        "CDEPOT_PORT",
                        Integer.toString(NetworkStack.CDEPOT_PORT),
                        "CDEPOT_TTL_SECONDS",
                        "30")))
            .portMappings(
                List.of(PortMapping.builder().containerPort(NetworkStack.CDEPOT_PORT).build()))
            .logging(logging(logs, "cdepot"))
            .build());
    registry.repository(ImageName.PROMETHEUS).grantPull(prometheusTask.obtainExecutionRole());
    registry.repository(ImageName.CDEPOT).grantPull(prometheusTask.obtainExecutionRole());
    prometheusService =
        service(
            separate ? "Prometheus" : "Monitoring",
            config,
            gifmachine,
            network,
            prometheusTask,
            CloudMapOptions.builder()
                .cloudMapNamespace(namespace)
                .name("cdepot")
                .dnsRecordType(DnsRecordType.A)
                .dnsTtl(Duration.seconds(10))
                .build(),
            !separate);

    // Grafana
    software.amazon.awscdk.services.secretsmanager.Secret adminPassword =
        software.amazon.awscdk.services.secretsmanager.Secret.Builder.create(this, "GrafanaAdmin")
            .description("Grafana admin password of " + config.deploymentName())
            .generateSecretString(
                SecretStringGenerator.builder().passwordLength(32).excludePunctuation(true).build())
            .removalPolicy(RemovalPolicy.DESTROY)
            .build();
    FargateTaskDefinition grafanaTask =
        separate
            ? task("Grafana", config, GRAFANA_TASK_CPU, GRAFANA_TASK_MEMORY_MIB)
            : prometheusTask;
    String publicRoot =
        config
            .customDomain()
            .map(d -> "https://" + d)
            .orElse(
                // Grafana takes its sub-path from the root URL and redirects relative to it; the
                // host
                // part only appears in absolute links (alerts, invites), and CloudFront's name is
                // not
                // known before the edge stack exists. Grafana fills these from its own settings.
                // https://grafana.com/tutorials/run-grafana-behind-a-proxy/
                "%(protocol)s://%(domain)s");
    boolean https = config.edge() == Edge.CLOUDFRONT || config.certificate().isPresent();
    grafanaTask.addContainer(
        "grafana",
        ContainerDefinitionOptions.builder()
            .containerName("grafana")
            .image(ContainerImage.fromRegistry(config.images().get(ImageName.GRAFANA)))
            // A failing Grafana must not stop cDepot and Prometheus in the shared task.
            .essential(separate)
            .environment(
                Ordered.byKey(
                    Map.ofEntries(
                        Map.entry("GF_SERVER_ROOT_URL", publicRoot + GRAFANA_PATH + "/"),
                        Map.entry("GF_SERVER_SERVE_FROM_SUB_PATH", "true"),
                        Map.entry(
                            // In its own task Grafana finds Prometheus at cDepot's task (same
                            // address).
                            "PROMETHEUS_URL",
                            separate
                                ? "http://cdepot."
                                    + config.serviceDiscoveryNamespace()
                                    + ":"
                                    + NetworkStack.PROMETHEUS_PORT
                                : "http://localhost:" + NetworkStack.PROMETHEUS_PORT),
                        Map.entry("GF_SECURITY_ADMIN_USER", "admin"),
                        Map.entry("GF_AUTH_ANONYMOUS_ENABLED", "false"),
                        Map.entry("GF_USERS_ALLOW_SIGN_UP", "false"),
                        Map.entry("GF_SECURITY_COOKIE_SECURE", Boolean.toString(https)),
                        Map.entry("GF_ANALYTICS_REPORTING_ENABLED", "false"),
                        Map.entry("GF_ANALYTICS_CHECK_FOR_UPDATES", "false"))))
            .secrets(Map.of("GF_SECURITY_ADMIN_PASSWORD", Secret.fromSecretsManager(adminPassword)))
            .portMappings(
                List.of(PortMapping.builder().containerPort(NetworkStack.GRAFANA_PORT).build()))
            .logging(logging(logs, "grafana"))
            .build());
    registry.repository(ImageName.GRAFANA).grantPull(grafanaTask.obtainExecutionRole());
    FargateService grafanaService =
        separate
            ? service("Grafana", config, gifmachine, network, grafanaTask, null, true)
            : prometheusService;

    ApplicationTargetGroup grafanaTargets =
        ApplicationTargetGroup.Builder.create(this, "GrafanaTargets")
            .vpc(network.vpc())
            .port(NetworkStack.GRAFANA_PORT)
            .protocol(ApplicationProtocol.HTTP)
            .targetType(TargetType.IP)
            .deregistrationDelay(Duration.seconds(10))
            // ECS replaces a task whose target is unhealthy. In the shared task that would let a
            // failing Grafana (not essential) take cDepot and Prometheus down with it, so the load
            // balancer checks cDepot there, and Grafana itself only when it has its own task.
            .healthCheck(
                separate
                    ? HealthCheck.builder()
                        .path(GRAFANA_PATH + "/api/health")
                        .healthyHttpCodes("200")
                        .build()
                    : HealthCheck.builder()
                        .port(Integer.toString(NetworkStack.CDEPOT_PORT))
                        .path("/healthz")
                        .healthyHttpCodes("200")
                        .build())
            .build();
    // Name the container: in the shared task the default one is Prometheus.
    grafanaTargets.addTarget(
        grafanaService.loadBalancerTarget(
            LoadBalancerTargetOptions.builder()
                .containerName("grafana")
                .containerPort(NetworkStack.GRAFANA_PORT)
                .build()));
    // Grafana under /grafana/ on the production listener: no port of its own, and with the
    // CloudFront edge reachable over HTTPS only.
    ApplicationListenerRule.Builder.create(this, "GrafanaRoute")
        .listener(gifmachine.productionListener())
        .priority(GRAFANA_RULE_PRIORITY)
        .conditions(
            List.of(ListenerCondition.pathPatterns(List.of(GRAFANA_PATH, GRAFANA_PATH + "/*"))))
        .action(ListenerAction.forward(List.of(grafanaTargets)))
        .build();

    if (config.edge() == Edge.ALB) {
      // With CloudFront the edge stack has the public URL.
      CfnOutput.Builder.create(this, StackOutputs.GRAFANA_URL)
          .value(gifmachine.url(GRAFANA_PATH + "/"))
          .build();
    }
    CfnOutput.Builder.create(this, StackOutputs.GRAFANA_ADMIN_SECRET_ARN)
        .value(adminPassword.getSecretArn())
        .build();
    CfnOutput.Builder.create(this, StackOutputs.MONITORING_SERVICE_NAME)
        .value(prometheusService.getServiceName())
        .build();
  }

  private FargateTaskDefinition task(String id, DeploymentConfig config, int cpu, int memory) {
    return FargateTaskDefinition.Builder.create(this, id + "Task")
        .family(config.deploymentName() + "-" + id.toLowerCase(java.util.Locale.ROOT))
        .cpu(cpu)
        .memoryLimitMiB(memory)
        .runtimePlatform(GifmachineStack.runtimePlatform(config))
        .build();
  }

  private static software.amazon.awscdk.services.ecs.LogDriver logging(
      LogGroup logs, String prefix) {
    return LogDrivers.awsLogs(
        AwsLogDriverProps.builder().logGroup(logs).streamPrefix(prefix).build());
  }

  private FargateService service(
      String id,
      DeploymentConfig config,
      GifmachineStack gifmachine,
      NetworkStack network,
      FargateTaskDefinition task,
      CloudMapOptions cloudMap,
      boolean servesGrafana) {
    FargateService.Builder builder =
        FargateService.Builder.create(this, id + "Service")
            .cluster(gifmachine.cluster())
            .taskDefinition(task)
            .desiredCount(1)
            .assignPublicIp(false)
            .vpcSubnets(network.privateSubnets())
            .securityGroups(List.of(network.monitoringSecurityGroup()))
            .enableExecuteCommand(true)
            .propagateTags(PropagatedTagSource.SERVICE)
            // One cDepot at a time (its registry is in memory and Cloud Map resolves to one task);
            // a gap of a minute in monitoring is acceptable, and there is no shared data to
            // protect.
            .minHealthyPercent(0)
            .maxHealthyPercent(100);
    if (servesGrafana) {
      builder.healthCheckGracePeriod(GRAFANA_GRACE);
    }
    if (config.monitoringSpot()) {
      // Spot: up to ~70 % cheaper; an interruption gives two minutes' notice and the service
      // starts a new task (history lost, as with any replacement). FARGATE as a fallback
      // provider would never be used while Spot capacity exists, and ECS does not fall back on
      // its own, so Spot alone with the service's normal restart.
      // https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-capacity-providers.html
      builder.capacityProviderStrategies(
          List.of(
              CapacityProviderStrategy.builder()
                  .capacityProvider("FARGATE_SPOT")
                  .weight(1)
                  .build()));
    }
    if (cloudMap != null) {
      builder.cloudMapOptions(cloudMap);
    }
    return builder.build();
  }

  public FargateService prometheusService() {
    return prometheusService;
  }
}
