package gifmachine.infra;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.applicationautoscaling.EnableScalingProps;
import software.amazon.awscdk.services.ecs.AwsLogDriverProps;
import software.amazon.awscdk.services.ecs.Cluster;
import software.amazon.awscdk.services.ecs.ContainerDefinitionOptions;
import software.amazon.awscdk.services.ecs.ContainerImage;
import software.amazon.awscdk.services.ecs.CpuArchitecture;
import software.amazon.awscdk.services.ecs.CpuUtilizationScalingProps;
import software.amazon.awscdk.services.ecs.DeploymentCircuitBreaker;
import software.amazon.awscdk.services.ecs.DeploymentController;
import software.amazon.awscdk.services.ecs.DeploymentControllerType;
import software.amazon.awscdk.services.ecs.ExecuteCommandConfiguration;
import software.amazon.awscdk.services.ecs.ExecuteCommandLogConfiguration;
import software.amazon.awscdk.services.ecs.ExecuteCommandLogging;
import software.amazon.awscdk.services.ecs.FargateService;
import software.amazon.awscdk.services.ecs.FargateTaskDefinition;
import software.amazon.awscdk.services.ecs.LogDrivers;
import software.amazon.awscdk.services.ecs.OperatingSystemFamily;
import software.amazon.awscdk.services.ecs.PortMapping;
import software.amazon.awscdk.services.ecs.PropagatedTagSource;
import software.amazon.awscdk.services.ecs.RuntimePlatform;
import software.amazon.awscdk.services.ecs.Secret;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationListener;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationLoadBalancer;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationProtocol;
import software.amazon.awscdk.services.elasticloadbalancingv2.ListenerAction;
import software.amazon.awscdk.services.elasticloadbalancingv2.ListenerCertificate;
import software.amazon.awscdk.services.elasticloadbalancingv2.SslPolicy;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.logs.RetentionDays;
import software.amazon.awscdk.services.secretsmanager.ISecret;
import software.constructs.Construct;

/**
 * The Gifmachine service: an ECS cluster, a Fargate service in the private subnets without public
 * IPs (Gifmachine + a non-essential cSidecar per task), an Application Load Balancer with a
 * production and a test listener, ECS's built-in blue/green deployments between two target groups
 * ({@link BlueGreenTraffic}), CPU autoscaling, ECS Exec, optional WAF, and a log group with saved
 * Logs Insights queries.
 *
 * <p>The service uses the {@code ECS} deployment controller with the blue/green (or canary, or
 * linear) strategy: every stack update that changes the task definition is rolled out by ECS as a
 * blue/green deployment while CloudFormation waits for it, and rolled back on a failed hook,
 * failing tasks or an alarm. A validation hook is added with {@code traffic().addValidationHook}.
 */
public final class GifmachineStack extends Stack {

  static final int TASK_CPU = 256;

  /**
   * Sized from measured peaks (docs/benchmarks.md): Gifmachine 156–195 MB resident under load,
   * cSidecar 44.6 MB. 384 MiB is 97 % above the app's peak and 128 MiB 187 % above the sidecar's,
   * both over the 30 % headroom we require; 0.25 vCPU with 512 MiB is a valid Fargate combination
   * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size).
   * The JVM sizes its heap from the container limit (MaxRAMPercentage=60: 230 MiB).
   */
  static final int TASK_MEMORY_MIB = 512;

  static final int APP_MEMORY_MIB = 384;
  static final int SIDECAR_MEMORY_MIB = 128;
  static final int SCALE_AT_CPU_PERCENT = 60;
  static final String HEALTH_PATH = "/healthz";
  static final RetentionDays LOG_RETENTION = RetentionDays.ONE_MONTH;
  static final String APP_CONTAINER = "gifmachine";
  static final String SIDECAR_CONTAINER = "csidecar";

  /**
   * After SIGTERM Gifmachine keeps serving this long (readiness failing) before it closes its
   * kiosks' WebSockets: longer than the health check needs to notice (15 s x 3). The target groups'
   * deregistration delay is the same, so the load balancer drains for as long as the app.
   */
  static final Duration DRAIN = Duration.seconds(50);

  /**
   * SIGKILL follows SIGTERM after this: the drain, then up to 10 s for requests in flight and close
   * handshakes, and a margin. Fargate allows at most 120 s.
   * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html
   */
  static final Duration STOP_TIMEOUT = Duration.seconds(65);

  private final ApplicationLoadBalancer loadBalancer;
  private final BlueGreenTraffic traffic;
  private final FargateService service;
  private final Cluster cluster;
  private final FargateTaskDefinition taskDefinition;
  private final ApplicationListener productionListener;
  private final String scheme;

  public GifmachineStack(
      Construct scope,
      String id,
      StackProps props,
      DeploymentConfig config,
      NetworkStack network,
      DatabaseStack database,
      RegistryStack registry) {
    super(scope, id, props);
    LogGroup logs =
        LogGroup.Builder.create(this, "Logs")
            .retention(LOG_RETENTION)
            .removalPolicy(RemovalPolicy.DESTROY)
            .build();
    // ECS Exec sessions are recorded: who ran what inside a task is an audit question.
    LogGroup execSessions =
        LogGroup.Builder.create(this, "ExecSessions")
            .retention(LOG_RETENTION)
            .removalPolicy(RemovalPolicy.DESTROY)
            .build();
    cluster =
        Cluster.Builder.create(this, "Cluster")
            .vpc(network.vpc())
            // FARGATE_SPOT for the monitoring service (MonitoringStack).
            .enableFargateCapacityProviders(true)
            .executeCommandConfiguration(
                ExecuteCommandConfiguration.builder()
                    .logging(ExecuteCommandLogging.OVERRIDE)
                    .logConfiguration(
                        ExecuteCommandLogConfiguration.builder()
                            .cloudWatchLogGroup(execSessions)
                            .build())
                    .build())
            .build();

    FargateTaskDefinition task =
        taskDefinition =
            FargateTaskDefinition.Builder.create(this, "Task")
                .family(config.deploymentName() + "-gifmachine")
                .cpu(TASK_CPU)
                .memoryLimitMiB(TASK_MEMORY_MIB)
                .runtimePlatform(runtimePlatform(config))
                .build();

    ISecret dbSecret = database.secret();
    ISecret apiPassword =
        software.amazon.awscdk.services.secretsmanager.Secret.fromSecretNameV2(
            this, "ApiPassword", config.apiPasswordSecretName());
    task.addContainer(
        APP_CONTAINER,
        ContainerDefinitionOptions.builder()
            .containerName(APP_CONTAINER)
            .image(ContainerImage.fromRegistry(config.images().get(ImageName.GIFMACHINE)))
            .essential(true)
            .memoryLimitMiB(APP_MEMORY_MIB)
            .portMappings(
                List.of(PortMapping.builder().containerPort(NetworkStack.APP_PORT).build()))
            .environment(appEnvironment(config))
            .stopTimeout(STOP_TIMEOUT)
            .secrets(
                Ordered.byKey(
                    Map.of(
                        "DATABASE_HOST", Secret.fromSecretsManager(dbSecret, "host"),
                        "DATABASE_PORT", Secret.fromSecretsManager(dbSecret, "port"),
                        "DATABASE_NAME", Secret.fromSecretsManager(dbSecret, "dbname"),
                        "DATABASE_USER", Secret.fromSecretsManager(dbSecret, "username"),
                        "DATABASE_PASSWORD", Secret.fromSecretsManager(dbSecret, "password"),
                        "GIFMACHINE_PASSWORD", Secret.fromSecretsManager(apiPassword))))
            .logging(
                LogDrivers.awsLogs(
                    AwsLogDriverProps.builder().logGroup(logs).streamPrefix(APP_CONTAINER).build()))
            .build());
    registry.repository(ImageName.GIFMACHINE).grantPull(task.obtainExecutionRole());
    if (config.monitoring()) {
      task.addContainer(
          SIDECAR_CONTAINER,
          ContainerDefinitionOptions.builder()
              .containerName(SIDECAR_CONTAINER)
              .image(ContainerImage.fromRegistry(config.images().get(ImageName.CSIDECAR)))
              // As before: metrics may stop, the app must not.
              .essential(false)
              .memoryLimitMiB(SIDECAR_MEMORY_MIB)
              .portMappings(
                  List.of(PortMapping.builder().containerPort(NetworkStack.SIDECAR_PORT).build()))
              .environment(
                  Ordered.byKey(
                      Map.of(
                          "CSIDECAR_PORT", Integer.toString(NetworkStack.SIDECAR_PORT),
                          "CDEPOT_URL", config.cdepotUrl(),
                          "CSIDECAR_APP_METRICS_PORT", Integer.toString(NetworkStack.APP_PORT))))
              .logging(
                  LogDrivers.awsLogs(
                      AwsLogDriverProps.builder()
                          .logGroup(logs)
                          .streamPrefix(SIDECAR_CONTAINER)
                          .build()))
              .build());
      registry.repository(ImageName.CSIDECAR).grantPull(task.obtainExecutionRole());
    }

    // With the CloudFront edge the load balancer is internal, in the private subnets, without
    // public addresses; CloudFront reaches it through a VPC origin (EdgeStack).
    boolean cloudFront = config.edge() == Edge.CLOUDFRONT;
    loadBalancer =
        ApplicationLoadBalancer.Builder.create(this, "LoadBalancer")
            .vpc(network.vpc())
            .internetFacing(!cloudFront)
            .vpcSubnets(cloudFront ? network.privateSubnets() : network.publicSubnets())
            .securityGroup(network.loadBalancerSecurityGroup())
            .dropInvalidHeaderFields(true)
            .build();
    traffic = new BlueGreenTraffic(this, "BlueGreen", network, loadBalancer, config.rollout());

    service =
        FargateService.Builder.create(this, "Service")
            .cluster(cluster)
            .taskDefinition(task)
            .desiredCount(config.minTasks())
            .assignPublicIp(false)
            .vpcSubnets(network.privateSubnets())
            .securityGroups(List.of(network.serviceSecurityGroup()))
            // ECS's own controller: CloudFormation deploys every change of the task definition (any
            // container, environment, size) as a blue/green deployment, and UpdateService accepts
            // every property CloudFormation sends, which CODE_DEPLOY services refused
            // (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/migrate-codedeploy-to-ecs-bluegreen.html).
            .deploymentController(
                DeploymentController.builder().type(DeploymentControllerType.ECS).build())
            .deploymentStrategy(traffic.strategy())
            .canaryConfiguration(traffic.canary())
            .linearConfiguration(traffic.linear())
            .bakeTime(BlueGreenTraffic.BAKE_TIME)
            // Tasks of the new revision that never get healthy roll the deployment back.
            .circuitBreaker(DeploymentCircuitBreaker.builder().enable(true).rollback(true).build())
            .enableExecuteCommand(true)
            // The first start on an existing large database (an adopted Ruby installation) builds
            // the
            // search indexes before serving: about a minute at a million rows, measured.
            .healthCheckGracePeriod(Duration.seconds(60))
            .propagateTags(PropagatedTagSource.SERVICE)
            .minHealthyPercent(100)
            .build();

    ApplicationListener production;
    ApplicationListener http;
    if (!cloudFront && config.certificate().isPresent()) {
      production =
          loadBalancer.addListener(
              "Https",
              software.amazon.awscdk.services.elasticloadbalancingv2.BaseApplicationListenerProps
                  .builder()
                  .port(443)
                  .protocol(ApplicationProtocol.HTTPS)
                  .sslPolicy(SslPolicy.RECOMMENDED_TLS)
                  .certificates(List.of(ListenerCertificate.fromArn(config.certificate().get())))
                  .defaultAction(traffic.productionDefault())
                  .open(false)
                  .build());
      http =
          loadBalancer.addListener(
              "Http",
              software.amazon.awscdk.services.elasticloadbalancingv2.BaseApplicationListenerProps
                  .builder()
                  .port(80)
                  .protocol(ApplicationProtocol.HTTP)
                  .defaultAction(
                      ListenerAction.redirect(
                          software.amazon.awscdk.services.elasticloadbalancingv2.RedirectOptions
                              .builder()
                              .protocol("HTTPS")
                              .port("443")
                              .permanent(true)
                              .build()))
                  .open(false)
                  .build());
      scheme = "https";
    } else {
      http =
          loadBalancer.addListener(
              "Http",
              software.amazon.awscdk.services.elasticloadbalancingv2.BaseApplicationListenerProps
                  .builder()
                  .port(80)
                  .protocol(ApplicationProtocol.HTTP)
                  .defaultAction(traffic.productionDefault())
                  .open(false)
                  .build());
      production = http;
      scheme = "http";
    }
    productionListener = production;
    new InternalEndpoints(this, "Internal", production);
    // Grafana's rule (monitoring stack) imports the production listener. The port-80 listener
    // keeps its export whether or not it is production, so adding a certificate (production
    // moves to 443) adds an export without dropping one the monitoring stack still imports;
    // removing one drops the 443 export only after monitoring moved back (ExportOrder)
    // (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-importvalue.html).
    exportValue(http.getListenerArn());
    // ECS sends the new revision's test traffic here before production moves (the validation
    // hook checks it); nobody outside the load balancer's security group reaches this port.
    ApplicationListener test =
        loadBalancer.addListener(
            "Test",
            software.amazon.awscdk.services.elasticloadbalancingv2.BaseApplicationListenerProps
                .builder()
                .port(NetworkStack.TEST_LISTENER_PORT)
                .protocol(ApplicationProtocol.HTTP)
                .defaultAction(traffic.testDefault())
                .open(false)
                .build());
    traffic.attach(service, production, test);
    // The hook checks the new revision through the test listener before production moves.
    config
        .hookCode()
        .ifPresent(
            key -> {
              ValidationHookFunction hook =
                  new ValidationHookFunction(
                      this,
                      "ValidationHook",
                      new ValidationHookFunction.Props(
                          network.vpc(),
                          network.privateSubnets(),
                          network.loadBalancerSecurityGroup(),
                          NetworkStack.TEST_LISTENER_PORT,
                          "http://"
                              + loadBalancer.getLoadBalancerDnsName()
                              + ":"
                              + NetworkStack.TEST_LISTENER_PORT
                              + "/",
                          software.amazon.awscdk.Fn.importValue(
                              RegistryStack.artifactsExport(config)),
                          key,
                          config.graviton()));
              traffic.addValidationHook(hook.function());
              output(StackOutputs.VALIDATION_HOOK_LOG_GROUP, hook.logGroup().getLogGroupName());
            });

    service
        .autoScaleTaskCount(
            EnableScalingProps.builder()
                .minCapacity(config.minTasks())
                .maxCapacity(config.maxTasks())
                .build())
        .scaleOnCpuUtilization(
            "Cpu",
            CpuUtilizationScalingProps.builder()
                .targetUtilizationPercent(SCALE_AT_CPU_PERCENT)
                .scaleInCooldown(Duration.minutes(5))
                .scaleOutCooldown(Duration.minutes(1))
                .build());

    if (config.waf() && !cloudFront) {
      new WebFirewall(
          this, "Firewall", WebFirewall.Scope.REGIONAL, loadBalancer.getLoadBalancerArn());
    }
    new LogQueries(this, "Queries", config.deploymentName(), logs);

    if (!cloudFront) {
      // With CloudFront the public URL is the edge stack's.
      output(StackOutputs.GIFMACHINE_URL, url(""));
    }
    output(StackOutputs.CLUSTER_NAME, cluster.getClusterName());
    output(StackOutputs.SERVICE_NAME, service.getServiceName());
    output(StackOutputs.LOG_GROUP_NAME, logs.getLogGroupName());
    output(StackOutputs.BLUE_TARGET_GROUP_ARN, traffic.blue().getTargetGroupArn());
    output(StackOutputs.GREEN_TARGET_GROUP_ARN, traffic.green().getTargetGroupArn());
    output(
        StackOutputs.PRODUCTION_LISTENER_RULE_ARN, traffic.productionRule().getListenerRuleArn());
    output(StackOutputs.TASK_DEFINITION_FAMILY, task.getFamily());
  }

  static RuntimePlatform runtimePlatform(DeploymentConfig config) {
    return RuntimePlatform.builder()
        .operatingSystemFamily(OperatingSystemFamily.LINUX)
        .cpuArchitecture(config.graviton() ? CpuArchitecture.ARM64 : CpuArchitecture.X86_64)
        .build();
  }

  private void output(String name, String value) {
    CfnOutput.Builder.create(this, name).value(value).build();
  }

  /** {@code http(s)://<load balancer DNS name><suffix>}, e.g. suffix {@code :3000}. */
  public String url(String portSuffix) {
    return scheme + "://" + loadBalancer.getLoadBalancerDnsName() + portSuffix;
  }

  public boolean https() {
    return scheme.equals("https");
  }

  /** The listener that takes production traffic (80, or 443 with a certificate on the ALB edge). */
  public ApplicationListener productionListener() {
    return productionListener;
  }

  public ApplicationLoadBalancer loadBalancer() {
    return loadBalancer;
  }

  /** The service's traffic: target groups, listener rules, and {@code addValidationHook}. */
  public BlueGreenTraffic traffic() {
    return traffic;
  }

  public FargateService service() {
    return service;
  }

  public FargateTaskDefinition taskDefinition() {
    return taskDefinition;
  }

  public Cluster cluster() {
    return cluster;
  }

  /**
   * The app container's environment. With a restored database, also the snapshot's name: the
   * restore replaces the instance (a new host in the secret, which tasks read only when they
   * start), and the changed task definition makes ECS start tasks that read the new host.
   */
  private static Map<String, String> appEnvironment(DeploymentConfig config) {
    Map<String, String> environment =
        Ordered.byKey(
            Map.of(
                "PORT", Integer.toString(NetworkStack.APP_PORT),
                "DATABASE_SSLMODE", "require",
                // Every task of both blue/green task sets must fit under the instance's
                // max_connections.
                "DATABASE_POOL_SIZE",
                    Integer.toString(
                        ConnectionBudget.of(config.dbInstanceClass(), config.maxTasks())
                            .poolSizePerTask()),
                "GIFMACHINE_DRAIN_SECONDS", Integer.toString(DRAIN.toSeconds().intValue())));
    if (!config.restoreSnapshot().isEmpty()) {
      environment.put("DATABASE_RESTORED_FROM", config.restoreSnapshot());
    }
    return environment;
  }
}
