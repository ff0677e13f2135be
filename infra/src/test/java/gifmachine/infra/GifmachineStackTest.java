package gifmachine.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class GifmachineStackTest {
  static Template defaults;
  static Template everyOption;

  @BeforeAll
  static void synthesize() {
    defaults = Deployments.template(Deployments.defaultApp(), StackPart.GIFMACHINE);
    everyOption = Deployments.template(Deployments.everyOptionApp(), StackPart.GIFMACHINE);
  }

  @Test
  void tasks_run_in_private_subnets_without_public_ips_under_the_ecs_controller_with_ecs_exec() {
    defaults.hasResourceProperties(
        "AWS::ECS::Service",
        Match.objectLike(
            Map.of(
                "LaunchType",
                "FARGATE",
                "DeploymentController",
                Map.of("Type", "ECS"),
                "EnableExecuteCommand",
                true,
                "NetworkConfiguration",
                Map.of(
                    "AwsvpcConfiguration",
                    Match.objectLike(
                        Map.of(
                            "AssignPublicIp",
                            "DISABLED",
                            "Subnets",
                            Match.arrayWith(
                                List.of(
                                    Match.objectLike(
                                        Map.of(
                                            "Fn::ImportValue",
                                            Match.stringLikeRegexp("PrivateSubnet")))))))))));
  }

  @Test
  void database_and_api_secrets_come_from_secrets_manager_and_tls_is_required() {
    containerHas(
        "gifmachine", "Environment", Map.of("Name", "DATABASE_SSLMODE", "Value", "require"));
    containerHas("gifmachine", "Essential", true);
    for (var entry :
        Map.of(
                "DATABASE_HOST",
                ":host::",
                "DATABASE_PORT",
                ":port::",
                "DATABASE_NAME",
                ":dbname::",
                "DATABASE_USER",
                ":username::",
                "DATABASE_PASSWORD",
                ":password::")
            .entrySet()) {
      containerHas(
          "gifmachine",
          "Secrets",
          Match.objectLike(
              Map.of(
                  "Name",
                  entry.getKey(),
                  "ValueFrom",
                  Match.objectLike(
                      Map.of(
                          "Fn::Join",
                          Match.arrayWith(List.of(Match.arrayWith(List.of(entry.getValue())))))))));
    }
    containerHas(
        "gifmachine",
        "Secrets",
        Match.objectLike(
            Map.of(
                "Name",
                "GIFMACHINE_PASSWORD",
                "ValueFrom",
                Match.objectLike(
                    Map.of(
                        "Fn::Join",
                        Match.arrayWith(
                            List.of(
                                Match.arrayWith(
                                    List.of(
                                        ":secret:prod-dundermiff/gifmachine/api-password")))))))));
    assertThat(Deployments.defaultApp().stack(StackPart.GIFMACHINE).orElseThrow().templateBody())
        .doesNotContainPattern("\"Name\":\"[A-Z_]*PASSWORD\",\"Value\"");
  }

  @Test
  void each_task_gets_the_pool_size_that_fits_both_blue_green_task_sets_under_the_database_limit() {
    containerHas("gifmachine", "Environment", Map.of("Name", "DATABASE_POOL_SIZE", "Value", "8"));
  }

  /** The container {@code name} has {@code value} (or, for arrays, an element like it). */
  private static void containerHas(String name, String key, Object value) {
    Object expected =
        value instanceof Boolean || value instanceof Integer
            ? value
            : Match.arrayWith(List.of(value));
    defaults.hasResourceProperties(
        "AWS::ECS::TaskDefinition",
        Match.objectLike(
            Map.of(
                "ContainerDefinitions",
                Match.arrayWith(List.of(Match.objectLike(Map.of("Name", name, key, expected)))))));
  }

  @Test
  void the_app_drains_as_long_as_the_target_groups_and_is_stopped_after_its_drain() {
    containerHas(
        "gifmachine", "Environment", Map.of("Name", "GIFMACHINE_DRAIN_SECONDS", "Value", "50"));
    containerHas("gifmachine", "StopTimeout", 65);
    defaults.resourcePropertiesCountIs(
        "AWS::ElasticLoadBalancingV2::TargetGroup",
        Match.objectLike(
            Map.of(
                "TargetGroupAttributes",
                Match.arrayWith(
                    List.of(
                        Map.of("Key", "deregistration_delay.timeout_seconds", "Value", "50"))))),
        2);
  }

  @Test
  void csidecar_is_non_essential_and_finds_cdepot_by_its_cloud_map_name() {
    containerHas("csidecar", "Essential", false);
    containerHas(
        "csidecar",
        "Environment",
        Map.of(
            "Name",
            "CDEPOT_URL",
            "Value",
            "http://cdepot.prod-dundermiff.gifmachine.internal:8002"));
    containerHas(
        "csidecar", "Environment", Map.of("Name", "CSIDECAR_APP_METRICS_PORT", "Value", "4567"));
  }

  @Test
  void tasks_are_graviton_by_default_and_x86_by_option() {
    defaults.hasResourceProperties(
        "AWS::ECS::TaskDefinition",
        Match.objectLike(
            Map.of(
                "RuntimePlatform",
                Map.of("CpuArchitecture", "ARM64", "OperatingSystemFamily", "LINUX"))));
    everyOption.hasResourceProperties(
        "AWS::ECS::TaskDefinition",
        Match.objectLike(
            Map.of(
                "RuntimePlatform",
                Map.of("CpuArchitecture", "X86_64", "OperatingSystemFamily", "LINUX"))));
  }

  @Test
  void blue_and_green_target_groups_check_healthz() {
    defaults.resourcePropertiesCountIs(
        "AWS::ElasticLoadBalancingV2::TargetGroup",
        Match.objectLike(Map.of("HealthCheckPath", "/healthz", "Port", 4567, "TargetType", "ip")),
        2);
  }

  @Test
  void health_checks_wait_three_minutes_for_a_first_start_that_builds_search_indexes() {
    defaults.hasResourceProperties(
        "AWS::ECS::Service", Match.objectLike(Map.of("HealthCheckGracePeriodSeconds", 60)));
  }

  @Test
  void http_serves_by_default_and_redirects_to_https_when_a_certificate_is_given() {
    defaults.hasResourceProperties(
        "AWS::ElasticLoadBalancingV2::Listener",
        Match.objectLike(
            Map.of(
                "Port",
                80,
                "Protocol",
                "HTTP",
                "DefaultActions",
                List.of(Match.objectLike(Map.of("Type", "forward"))))));
    everyOption.hasResourceProperties(
        "AWS::ElasticLoadBalancingV2::Listener",
        Match.objectLike(
            Map.of(
                "Port",
                80,
                "DefaultActions",
                List.of(
                    Match.objectLike(
                        Map.of(
                            "Type",
                            "redirect",
                            "RedirectConfig",
                            Match.objectLike(Map.of("Protocol", "HTTPS", "Port", "443"))))))));
    everyOption.hasResourceProperties(
        "AWS::ElasticLoadBalancingV2::Listener",
        Match.objectLike(
            Map.of(
                "Port",
                443,
                "Protocol",
                "HTTPS",
                "Certificates",
                List.of(Map.of("CertificateArn", Deployments.CERTIFICATE)))));
  }

  @Test
  void
      the_load_balancer_is_internal_in_private_subnets_behind_cloudfront_and_public_only_on_the_alb_edge() {
    defaults.hasResourceProperties(
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        Match.objectLike(
            Map.of(
                "Scheme",
                "internal",
                "Subnets",
                Match.arrayWith(
                    List.of(
                        Match.objectLike(
                            Map.of(
                                "Fn::ImportValue", Match.stringLikeRegexp("PrivateSubnet"))))))));
    everyOption.hasResourceProperties(
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        Match.objectLike(Map.of("Scheme", "internet-facing")));
    defaults.resourcePropertiesCountIs(
        "AWS::ElasticLoadBalancingV2::Listener", Match.objectLike(Map.of("Port", 443)), 0);
  }

  @Test
  void metrics_are_answered_404_at_the_load_balancer_before_any_other_rule() {
    for (Template template : List.of(defaults, everyOption)) {
      template.hasResourceProperties(
          "AWS::ElasticLoadBalancingV2::ListenerRule",
          Match.objectLike(
              Map.of(
                  "Priority", InternalEndpoints.PRIORITY,
                  "Conditions",
                      List.of(
                          Match.objectLike(
                              Map.of(
                                  "Field",
                                  "path-pattern",
                                  "PathPatternConfig",
                                  Map.of(
                                      "Values",
                                      Match.arrayWith(
                                          List.of(
                                              "/metrics", "/metrics/*", "/grafana/metrics")))))),
                  "Actions",
                      List.of(
                          Match.objectLike(
                              Map.of(
                                  "Type",
                                  "fixed-response",
                                  "FixedResponseConfig",
                                  Match.objectLike(Map.of("StatusCode", "404"))))))));
    }
    assertThat(InternalEndpoints.PRIORITY).isLessThan(MonitoringStack.GRAFANA_RULE_PRIORITY);
    assertThat(MonitoringStack.GRAFANA_RULE_PRIORITY)
        .as("the catch-all blue/green rule comes last")
        .isLessThan(BlueGreenTraffic.RULE_PRIORITY);
  }

  @Test
  void the_task_is_sized_from_the_measured_peak_with_at_least_30_percent_headroom() {
    double appPeakMb = 195; // docs/benchmarks.md: 156-195 MB resident under load
    double sidecarPeakMb = 44.6; // docs/benchmarks.md: cSidecar
    assertThat(GifmachineStack.APP_MEMORY_MIB)
        .isGreaterThanOrEqualTo((int) Math.ceil(appPeakMb * 1.3));
    assertThat(GifmachineStack.SIDECAR_MEMORY_MIB)
        .isGreaterThanOrEqualTo((int) Math.ceil(sidecarPeakMb * 1.3));
    defaults.hasResourceProperties(
        "AWS::ECS::TaskDefinition", Match.objectLike(Map.of("Cpu", "256", "Memory", "512")));
    assertThat(GifmachineStack.APP_MEMORY_MIB + GifmachineStack.SIDECAR_MEMORY_MIB)
        .isEqualTo(GifmachineStack.TASK_MEMORY_MIB);
  }

  @Test
  void ecs_deploys_blue_green_with_bake_time_rolling_back_on_failing_tasks_and_alarms() {
    defaults.hasResourceProperties(
        "AWS::ECS::Service",
        Match.objectLike(
            Map.of(
                "DeploymentConfiguration",
                Match.objectLike(
                    Map.of(
                        "Strategy",
                        "BLUE_GREEN",
                        "BakeTimeInMinutes",
                        5,
                        "DeploymentCircuitBreaker",
                        Map.of("Enable", true, "Rollback", true),
                        "Alarms",
                        Match.objectLike(
                            Map.of(
                                "Enable",
                                true,
                                "Rollback",
                                true,
                                "AlarmNames",
                                List.of(Match.anyValue(), Match.anyValue()))))))));
    defaults.resourceCountIs("AWS::CodeDeploy::DeploymentGroup", 0);
    defaults.resourceCountIs("AWS::CodeDeploy::Application", 0);
    defaults.hasResourceProperties(
        "AWS::CloudWatch::Alarm",
        Match.objectLike(
            Map.of(
                "Threshold",
                5,
                "ComparisonOperator",
                "GreaterThanThreshold",
                "TreatMissingData",
                "notBreaching")));
    defaults.hasResourceProperties(
        "AWS::CloudWatch::Alarm",
        Match.objectLike(
            Map.of("Threshold", 1, "ComparisonOperator", "GreaterThanOrEqualToThreshold")));
  }

  /**
   * ECS watches the deployment alarms through the whole blue/green deployment and its bake time and
   * rolls back when one goes to ALARM
   * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/deployment-alarm-failure.html):
   * the service must name exactly our two alarms, one on the targets' 5xx share of requests and one
   * on unhealthy targets in either group.
   */
  @Test
  void the_deployment_alarms_are_the_5xx_rate_and_the_unhealthy_hosts_of_both_groups() {
    Map<String, Map<String, Object>> alarms = defaults.findResources("AWS::CloudWatch::Alarm");
    String errors = logicalIdWith(alarms, "HTTPCode_Target_5XX_Count");
    String unhealthy = logicalIdWith(alarms, "UnHealthyHostCount");
    defaults.hasResourceProperties(
        "AWS::ECS::Service",
        Match.objectLike(
            Map.of(
                "DeploymentConfiguration",
                Match.objectLike(
                    Map.of(
                        "Alarms",
                        Map.of(
                            "Enable",
                            true,
                            "Rollback",
                            true,
                            "AlarmNames",
                            List.of(Map.of("Ref", errors), Map.of("Ref", unhealthy))))))));
    String errorAlarm = Deployments.JSON.valueToTree(alarms.get(errors)).toString();
    assertThat(errorAlarm).contains("\"RequestCount\"", "100 * errors / MAX([requests, 1])");
    String unhealthyAlarm = Deployments.JSON.valueToTree(alarms.get(unhealthy)).toString();
    assertThat(unhealthyAlarm).contains("MAX([blue, green])");
    assertThat(defaults.findResources("AWS::ElasticLoadBalancingV2::TargetGroup").keySet())
        .hasSize(2)
        .allSatisfy(group -> assertThat(unhealthyAlarm).contains("\"" + group + "\""));
  }

  private static String logicalIdWith(Map<String, Map<String, Object>> resources, String metric) {
    List<String> ids =
        resources.entrySet().stream()
            .filter(
                entry ->
                    Deployments.JSON
                        .valueToTree(entry.getValue())
                        .toString()
                        .contains("\"" + metric + "\""))
            .map(Map.Entry::getKey)
            .toList();
    assertThat(ids).as("alarms on " + metric).hasSize(1);
    return ids.getFirst();
  }

  @Test
  void the_service_names_its_alternate_group_and_both_listener_rules() {
    defaults.hasResourceProperties(
        "AWS::ECS::Service",
        Match.objectLike(
            Map.of(
                "LoadBalancers",
                List.of(
                    Match.objectLike(
                        Map.of(
                            "ContainerName",
                            "gifmachine",
                            "ContainerPort",
                            4567,
                            "AdvancedConfiguration",
                            Match.objectLike(
                                Map.of(
                                    "AlternateTargetGroupArn", Match.anyValue(),
                                    "ProductionListenerRule", Match.anyValue(),
                                    "TestListenerRule", Match.anyValue(),
                                    "RoleArn", Match.anyValue()))))))));
    defaults.hasResourceProperties(
        "AWS::ElasticLoadBalancingV2::Listener",
        Match.objectLike(Map.of("Port", 8080, "Protocol", "HTTP")));
  }

  @Test
  void production_is_weighted_to_the_group_the_cli_found_live() {
    assertThat(productionWeights(defaults)).containsExactly(100, 0);
    Template greenLive =
        Deployments.template(
            Infrastructure.synthesize(
                Deployments.defaultsBuilder()
                    .rollout(new Rollout(Rollout.Strategy.BLUE_GREEN, Rollout.TargetGroup.GREEN))
                    .build()),
            StackPart.GIFMACHINE);
    assertThat(productionWeights(greenLive)).containsExactly(0, 100);
  }

  /** Blue's then green's weight in the production rule (the catch-all on the port-80 listener). */
  private static List<Integer> productionWeights(Template template) {
    var rules =
        template.findResources(
            "AWS::ElasticLoadBalancingV2::ListenerRule",
            Map.of(
                "Properties",
                Match.objectLike(Map.of("Priority", BlueGreenTraffic.RULE_PRIORITY))));
    var rule =
        rules.entrySet().stream()
            .filter(e -> e.getKey().contains("ProductionRule"))
            .findFirst()
            .orElseThrow();
    @SuppressWarnings("unchecked")
    var props = (Map<String, Object>) ((Map<String, Object>) rule.getValue()).get("Properties");
    @SuppressWarnings("unchecked")
    var action = ((List<Map<String, Object>>) props.get("Actions")).get(0);
    @SuppressWarnings("unchecked")
    var groups =
        (List<Map<String, Object>>)
            ((Map<String, Object>) action.get("ForwardConfig")).get("TargetGroups");
    return groups.stream()
        .sorted(
            java.util.Comparator.comparing(
                g -> g.get("TargetGroupArn").toString().contains("Green")))
        .map(g -> ((Number) g.get("Weight")).intValue())
        .toList();
  }

  @Test
  void the_service_scales_on_cpu_between_one_and_four_tasks() {
    defaults.hasResourceProperties(
        "AWS::ApplicationAutoScaling::ScalableTarget",
        Match.objectLike(
            Map.of(
                "MinCapacity",
                1,
                "MaxCapacity",
                4,
                "ScalableDimension",
                "ecs:service:DesiredCount")));
    defaults.hasResourceProperties(
        "AWS::ApplicationAutoScaling::ScalingPolicy",
        Match.objectLike(
            Map.of(
                "TargetTrackingScalingPolicyConfiguration",
                Match.objectLike(
                    Map.of(
                        "TargetValue",
                        60,
                        "PredefinedMetricSpecification",
                        Map.of("PredefinedMetricType", "ECSServiceAverageCPUUtilization"))))));
  }

  @Test
  void logs_are_kept_a_month_with_saved_insights_queries() {
    defaults.allResourcesProperties(
        "AWS::Logs::LogGroup", Match.objectLike(Map.of("RetentionInDays", 30)));
    for (String query : LogQueries.QUERIES.keySet()) {
      defaults.hasResourceProperties(
          "AWS::Logs::QueryDefinition",
          Match.objectLike(Map.of("Name", "prod-dundermiff/" + query)));
    }
  }

  @Test
  void waf_guards_the_load_balancer_only_by_option_with_a_rate_limit_on_posting_gifs() {
    defaults.resourceCountIs("AWS::WAFv2::WebACL", 0);
    everyOption.hasResourceProperties(
        "AWS::WAFv2::WebACL",
        Match.objectLike(
            Map.of(
                "Scope",
                "REGIONAL",
                "Rules",
                Match.arrayWith(
                    List.of(
                        Match.objectLike(
                            Map.of(
                                "Name",
                                "PostGifRateLimit",
                                "Statement",
                                Map.of(
                                    "RateBasedStatement",
                                    Match.objectLike(
                                        Map.of("Limit", 100, "AggregateKeyType", "IP"))))))))));
    everyOption.resourceCountIs("AWS::WAFv2::WebACLAssociation", 1);
  }

  @Test
  void outputs_are_the_ones_the_cli_reads() {
    assertThat(Deployments.contractOutputs(defaults))
        .contains(
            StackOutputs.CLUSTER_NAME,
            StackOutputs.SERVICE_NAME,
            StackOutputs.LOG_GROUP_NAME,
            StackOutputs.BLUE_TARGET_GROUP_ARN,
            StackOutputs.GREEN_TARGET_GROUP_ARN,
            StackOutputs.PRODUCTION_LISTENER_RULE_ARN,
            StackOutputs.TASK_DEFINITION_FAMILY);
    defaults.hasOutput(
        StackOutputs.TASK_DEFINITION_FAMILY, Map.of("Value", "prod-dundermiff-gifmachine"));
    assertThat(Deployments.contractOutputs(defaults))
        .as("the edge stack has the public URL")
        .doesNotContain(StackOutputs.GIFMACHINE_URL);
    everyOption.hasOutput(
        StackOutputs.GIFMACHINE_URL,
        Match.objectLike(
            Map.of(
                "Value", Map.of("Fn::Join", List.of("", Match.arrayWith(List.of("https://")))))));
  }
}
