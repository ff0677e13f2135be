package gifmachine.infra;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.services.cloudwatch.Alarm;
import software.amazon.awscdk.services.cloudwatch.ComparisonOperator;
import software.amazon.awscdk.services.cloudwatch.MathExpression;
import software.amazon.awscdk.services.cloudwatch.TreatMissingData;
import software.amazon.awscdk.services.ecs.AlarmBehavior;
import software.amazon.awscdk.services.ecs.AlternateTarget;
import software.amazon.awscdk.services.ecs.DeploymentAlarmOptions;
import software.amazon.awscdk.services.ecs.DeploymentLifecycleLambdaTarget;
import software.amazon.awscdk.services.ecs.DeploymentLifecycleLambdaTargetProps;
import software.amazon.awscdk.services.ecs.DeploymentLifecycleStage;
import software.amazon.awscdk.services.ecs.DeploymentStrategy;
import software.amazon.awscdk.services.ecs.FargateService;
import software.amazon.awscdk.services.ecs.ListenerRuleConfiguration;
import software.amazon.awscdk.services.ecs.LoadBalancerTargetOptions;
import software.amazon.awscdk.services.ecs.Protocol;
import software.amazon.awscdk.services.ecs.TrafficShiftConfig;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationListener;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationListenerRule;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationLoadBalancer;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationProtocol;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationTargetGroup;
import software.amazon.awscdk.services.elasticloadbalancingv2.CfnListenerRule;
import software.amazon.awscdk.services.elasticloadbalancingv2.HealthCheck;
import software.amazon.awscdk.services.elasticloadbalancingv2.HttpCodeTarget;
import software.amazon.awscdk.services.elasticloadbalancingv2.ListenerAction;
import software.amazon.awscdk.services.elasticloadbalancingv2.ListenerCondition;
import software.amazon.awscdk.services.elasticloadbalancingv2.TargetType;
import software.amazon.awscdk.services.elasticloadbalancingv2.WeightedTargetGroup;
import software.amazon.awscdk.services.lambda.IFunction;
import software.constructs.Construct;

/**
 * The Gifmachine service's traffic under ECS's built-in blue/green deployments: two target groups,
 * a production listener rule and a test listener rule that each forward to both with weights, the
 * service's load balancer entry with its alternate target group, the alarms that roll a deployment
 * back, and the place for a lifecycle hook. ECS then moves the production rule's weights itself
 * during each deployment; CloudFormation deploys every task-definition change as such a deployment
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-type-blue-green.html).
 *
 * <p>The weights in the template come from {@link Rollout#live()}: the CLI reads which group the
 * production rule serves before each synthesis, so a later template change of a rule (a new
 * certificate means a new HTTPS listener and rule) keeps traffic on the group that has the tasks.
 * CloudFormation writes the template's weights whenever it updates or replaces a rule
 * (https://github.com/aws/aws-cdk/issues/36649 shows the failure when the template keeps blue).
 *
 * <pre>{@code
 * BlueGreenTraffic traffic = new BlueGreenTraffic(stack, "BlueGreen", network, loadBalancer, rollout);
 * FargateService service = ...deploymentStrategy(traffic.strategy())...;
 * traffic.attach(service, productionListener, testListener);
 * }</pre>
 */
public final class BlueGreenTraffic extends Construct {

  /** How long blue keeps running after production moved, so a rollback is instant. */
  static final Duration BAKE_TIME = Duration.minutes(5);

  /** Alarm: this share of target responses being 5xx over two minutes rolls back. */
  static final int ERROR_PERCENT = 5;

  /** Canary: this share of production first, for this long. */
  static final int CANARY_PERCENT = 10;

  static final Duration CANARY_BAKE = Duration.minutes(5);

  /** Linear: steps of this share, this long apart. */
  static final int LINEAR_PERCENT = 20;

  static final Duration LINEAR_BAKE = Duration.minutes(2);

  /** Weights as the ECS documentation's examples give them: all on one group, none on the other. */
  static final int ALL = 100;

  static final int NONE = 0;

  /**
   * The catch-all forwarding rules' priority: after the /metrics block (InternalEndpoints, 1) and
   * Grafana's route (MonitoringStack, 10) on the production listener, so those path rules are
   * evaluated first (lowest number first:
   * https://docs.aws.amazon.com/elasticloadbalancing/latest/application/listener-rules.html) and
   * ECS, which only rewrites the weights of the rule it is given, never touches them.
   */
  static final int RULE_PRIORITY = 100;

  private final Rollout rollout;
  private final ApplicationTargetGroup blue;
  private final ApplicationTargetGroup green;
  private final ApplicationLoadBalancer loadBalancer;
  private ApplicationListenerRule productionRule;
  private FargateService service;

  public BlueGreenTraffic(
      Construct scope,
      String id,
      NetworkStack network,
      ApplicationLoadBalancer loadBalancer,
      Rollout rollout) {
    super(scope, id);
    this.rollout = rollout;
    this.loadBalancer = loadBalancer;
    this.blue = targetGroup("Blue", network);
    this.green = targetGroup("Green", network);
  }

  private ApplicationTargetGroup targetGroup(String id, NetworkStack network) {
    return ApplicationTargetGroup.Builder.create(this, id)
        .vpc(network.vpc())
        .port(NetworkStack.APP_PORT)
        .protocol(ApplicationProtocol.HTTP)
        .targetType(TargetType.IP)
        .deregistrationDelay(GifmachineStack.DRAIN)
        .healthCheck(
            HealthCheck.builder()
                .path(GifmachineStack.HEALTH_PATH)
                .healthyHttpCodes("200")
                .interval(Duration.seconds(15))
                .healthyThresholdCount(2)
                .unhealthyThresholdCount(3)
                .build())
        .build();
  }

  /** The ECS deployment strategy for the service's props. */
  public DeploymentStrategy strategy() {
    return switch (rollout.strategy()) {
      case BLUE_GREEN -> DeploymentStrategy.BLUE_GREEN;
      case CANARY -> DeploymentStrategy.CANARY;
      case LINEAR -> DeploymentStrategy.LINEAR;
    };
  }

  /** Canary steps when the strategy is canary, else none (ECS rejects it with another strategy). */
  public TrafficShiftConfig canary() {
    return rollout.strategy() == Rollout.Strategy.CANARY
        ? TrafficShiftConfig.builder().stepPercent(CANARY_PERCENT).stepBakeTime(CANARY_BAKE).build()
        : null;
  }

  /** Linear steps when the strategy is linear, else none. */
  public TrafficShiftConfig linear() {
    return rollout.strategy() == Rollout.Strategy.LINEAR
        ? TrafficShiftConfig.builder().stepPercent(LINEAR_PERCENT).stepBakeTime(LINEAR_BAKE).build()
        : null;
  }

  /**
   * The production listener's default action: the same weighted forward as its rule. The rule (path
   * {@code /*}) takes every request; the default is there because ECS blue/green does not support
   * listeners that mix forward and non-forward actions
   * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/alb-resources-for-blue-green.html).
   */
  public ListenerAction productionDefault() {
    return weighted(rollout.live());
  }

  /** The test listener's default action: the group that is not live. */
  public ListenerAction testDefault() {
    return weighted(rollout.live().other());
  }

  private ListenerAction weighted(Rollout.TargetGroup serving) {
    return ListenerAction.weightedForward(
        List.of(
            WeightedTargetGroup.builder()
                .targetGroup(blue)
                .weight(serving == Rollout.TargetGroup.BLUE ? ALL : NONE)
                .build(),
            WeightedTargetGroup.builder()
                .targetGroup(green)
                .weight(serving == Rollout.TargetGroup.GREEN ? ALL : NONE)
                .build()));
  }

  /**
   * Puts the service behind the listeners: a production and a test rule forwarding to both groups,
   * the service registered in blue with green as its alternate (ECS swaps their roles on each
   * deployment), and the rollback alarms.
   */
  public void attach(
      FargateService service, ApplicationListener production, ApplicationListener test) {
    this.service = service;
    productionRule =
        ApplicationListenerRule.Builder.create(this, "ProductionRule")
            .listener(production)
            .priority(RULE_PRIORITY)
            .conditions(List.of(ListenerCondition.pathPatterns(List.of("/*"))))
            .action(weighted(rollout.live()))
            .build();
    ApplicationListenerRule testRule =
        ApplicationListenerRule.Builder.create(this, "TestRule")
            .listener(test)
            .priority(RULE_PRIORITY)
            .conditions(List.of(ListenerCondition.pathPatterns(List.of("/*"))))
            .action(weighted(rollout.live().other()))
            .build();
    // Rules need no tags, and the CloudFormation schema cfn-lint checks has none for them.
    for (ApplicationListenerRule rule : List.of(productionRule, testRule)) {
      ((CfnListenerRule) rule.getNode().getDefaultChild()).addPropertyDeletionOverride("Tags");
    }
    service
        .loadBalancerTarget(
            LoadBalancerTargetOptions.builder()
                .containerName(GifmachineStack.APP_CONTAINER)
                .containerPort(NetworkStack.APP_PORT)
                .protocol(Protocol.TCP)
                .alternateTarget(
                    AlternateTarget.Builder.create("Alternate")
                        .alternateTargetGroup(green)
                        .productionListener(
                            ListenerRuleConfiguration.applicationListenerRule(productionRule))
                        .testListener(ListenerRuleConfiguration.applicationListenerRule(testRule))
                        .build())
                .build())
        .attachToApplicationTargetGroup(blue);

    // A deployment whose new revision answers with errors, or whose targets fail health checks,
    // is rolled back by ECS while the alarm is in ALARM during the deployment or its bake time
    // (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-alarm-failure.html).
    Alarm errors =
        Alarm.Builder.create(this, "ErrorRate")
            .alarmDescription(
                "Gifmachine: more than "
                    + ERROR_PERCENT
                    + "% of responses are 5xx; rolls a deployment back")
            .metric(
                MathExpression.Builder.create()
                    .expression("100 * errors / MAX([requests, 1])")
                    .usingMetrics(
                        Ordered.byKey(
                            Map.of(
                                "errors",
                                    loadBalancer
                                        .getMetrics()
                                        .httpCodeTarget(HttpCodeTarget.TARGET_5XX_COUNT),
                                "requests", loadBalancer.getMetrics().requestCount())))
                    .period(Duration.minutes(1))
                    .build())
            .threshold(ERROR_PERCENT)
            .comparisonOperator(ComparisonOperator.GREATER_THAN_THRESHOLD)
            .evaluationPeriods(2)
            .treatMissingData(TreatMissingData.NOT_BREACHING)
            .build();
    Alarm unhealthy =
        Alarm.Builder.create(this, "UnhealthyHosts")
            .alarmDescription(
                "Gifmachine: a target of either group fails its health check; rolls a deployment back")
            .metric(
                MathExpression.Builder.create()
                    .expression("MAX([blue, green])")
                    .usingMetrics(
                        Ordered.byKey(
                            Map.of(
                                "blue", blue.getMetrics().unhealthyHostCount(),
                                "green", green.getMetrics().unhealthyHostCount())))
                    .period(Duration.minutes(1))
                    .build())
            .threshold(1)
            .comparisonOperator(ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD)
            .evaluationPeriods(2)
            .treatMissingData(TreatMissingData.NOT_BREACHING)
            .build();
    service.enableDeploymentAlarms(
        List.of(errors.getAlarmName(), unhealthy.getAlarmName()),
        DeploymentAlarmOptions.builder().behavior(AlarmBehavior.ROLLBACK_ON_ALARM).build());
  }

  /**
   * Adds a Lambda lifecycle hook that ECS calls after test traffic reaches the new revision and
   * before production does; its FAILED answer rolls the deployment back
   * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/blue-green-deployment-how-it-works.html).
   * ECS invokes it through a role CDK creates with {@code lambda:InvokeFunction} on it.
   */
  public void addValidationHook(IFunction function) {
    if (service == null) {
      throw new IllegalStateException("attach the service before adding a hook");
    }
    // Our own role rather than the one CDK would add: CDK adds its role while synthesizing, after
    // aspects ran, so it would miss the permissions boundary every role carries (Infrastructure).
    software.amazon.awscdk.services.iam.Role role =
        software.amazon.awscdk.services.iam.Role.Builder.create(service, "ValidationHookRole")
            .assumedBy(
                new software.amazon.awscdk.services.iam.ServicePrincipal("ecs.amazonaws.com"))
            .build();
    // CDK grants the invoke only to a role it creates itself.
    function.grantInvoke(role);
    service.addLifecycleHook(
        new DeploymentLifecycleLambdaTarget(
            function,
            "ValidationHook",
            DeploymentLifecycleLambdaTargetProps.builder()
                .lifecycleStages(List.of(DeploymentLifecycleStage.POST_TEST_TRAFFIC_SHIFT))
                .role(role)
                .build()));
  }

  public ApplicationTargetGroup blue() {
    return blue;
  }

  public ApplicationTargetGroup green() {
    return green;
  }

  public ApplicationListenerRule productionRule() {
    return productionRule;
  }
}
