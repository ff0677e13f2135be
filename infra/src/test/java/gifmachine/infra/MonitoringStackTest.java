package gifmachine.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Matcher;
import software.amazon.awscdk.assertions.Template;

class MonitoringStackTest {
  static Template template;
  static Template separate;

  @BeforeAll
  static void synthesize() {
    template = Deployments.template(Deployments.defaultApp(), StackPart.MONITORING);
    separate = Deployments.template(Deployments.everyOptionApp(), StackPart.MONITORING);
  }

  /** A task definition with, among its containers, one like each of {@code containers}. */
  @SafeVarargs
  private static Matcher taskRunning(Map<String, Object>... containers) {
    return Match.objectLike(
        Map.of(
            "ContainerDefinitions",
            Match.arrayWith(
                Stream.of(containers)
                    .map(container -> (Object) Match.objectLike(container))
                    .toList())));
  }

  /** Container {@code name} whose environment holds {@code variable=value}, among others. */
  private static Map<String, Object> withEnvironment(String name, String variable, String value) {
    return Map.of(
        "Name",
        name,
        "Environment",
        Match.arrayWith(List.of(Map.of("Name", variable, "Value", value))));
  }

  @Test
  void one_task_runs_prometheus_cdepot_and_grafana_unless_grafana_is_asked_apart() {
    template.resourceCountIs("AWS::ECS::TaskDefinition", 1);
    template.resourceCountIs("AWS::ECS::Service", 1);
    template.hasResourceProperties(
        "AWS::ECS::TaskDefinition",
        taskRunning(withEnvironment("grafana", "PROMETHEUS_URL", "http://localhost:9090")));
    separate.resourceCountIs("AWS::ECS::TaskDefinition", 2);
    separate.resourceCountIs("AWS::ECS::Service", 2);
    separate.hasResourceProperties(
        "AWS::ECS::TaskDefinition",
        Match.objectLike(
            Map.of(
                "ContainerDefinitions",
                List.of(
                    Match.objectLike(
                        withEnvironment(
                            "grafana",
                            "PROMETHEUS_URL",
                            "http://cdepot.staging-initech.gifmachine.internal:9090"))))));
  }

  @Test
  void prometheus_and_cdepot_share_a_task_registered_as_cdepot_in_cloud_map() {
    template.hasResourceProperties(
        "AWS::ECS::TaskDefinition",
        taskRunning(
            Map.of("Name", "prometheus"),
            Map.of(
                "Name",
                "cdepot",
                "PortMappings",
                List.of(Match.objectLike(Map.of("ContainerPort", 8002))))));
    template.hasResourceProperties(
        "AWS::ServiceDiscovery::PrivateDnsNamespace",
        Match.objectLike(Map.of("Name", "prod-dundermiff.gifmachine.internal")));
    template.hasResourceProperties(
        "AWS::ServiceDiscovery::Service", Match.objectLike(Map.of("Name", "cdepot")));
  }

  @Test
  void grafana_has_a_generated_admin_password_and_no_anonymous_access() {
    template.hasResourceProperties(
        "AWS::SecretsManager::Secret",
        Match.objectLike(
            Map.of("GenerateSecretString", Match.objectLike(Map.of("PasswordLength", 32)))));
    template.hasResourceProperties(
        "AWS::ECS::TaskDefinition",
        taskRunning(
            Map.of(
                "Name",
                "grafana",
                "Environment",
                Match.arrayWith(
                    List.of(Map.of("Name", "GF_AUTH_ANONYMOUS_ENABLED", "Value", "false"))),
                "Secrets",
                List.of(Match.objectLike(Map.of("Name", "GF_SECURITY_ADMIN_PASSWORD"))))));
  }

  @Test
  void prometheus_keeps_a_stated_retention_on_ephemeral_storage_and_nothing_is_on_efs() {
    template.resourceCountIs("AWS::EFS::FileSystem", 0);
    separate.resourceCountIs("AWS::EFS::FileSystem", 0);
    template.allResourcesProperties(
        "AWS::ECS::TaskDefinition",
        Match.not(Match.objectLike(Map.of("Volumes", Match.anyValue()))));
    template.hasResourceProperties(
        "AWS::ECS::TaskDefinition",
        taskRunning(
            Map.of(
                "Name",
                "prometheus",
                "Command",
                Match.arrayWith(
                    List.of(
                        "--storage.tsdb.retention.time=" + MonitoringStack.PROMETHEUS_RETENTION,
                        "--storage.tsdb.retention.size="
                            + MonitoringStack.PROMETHEUS_RETENTION_SIZE)))));
  }

  @Test
  void grafana_is_served_from_the_grafana_sub_path_and_is_not_essential_in_the_shared_task() {
    template.hasResourceProperties(
        "AWS::ECS::TaskDefinition",
        taskRunning(
            Map.of(
                "Name",
                "grafana",
                "Essential",
                false,
                "Environment",
                Match.arrayWith(
                    List.of(
                        Map.of(
                            "Name",
                            "GF_SERVER_ROOT_URL",
                            "Value",
                            "%(protocol)s://%(domain)s/grafana/"))))));
    for (String[] setting :
        new String[][] {
          {"GF_SERVER_SERVE_FROM_SUB_PATH", "true"},
          {"GF_SECURITY_COOKIE_SECURE", "true"},
          {"GF_AUTH_ANONYMOUS_ENABLED", "false"}
        }) {
      template.hasResourceProperties(
          "AWS::ECS::TaskDefinition",
          taskRunning(withEnvironment("grafana", setting[0], setting[1])));
    }
    template.hasResourceProperties(
        "AWS::ECS::TaskDefinition",
        taskRunning(
            Map.of("Name", "prometheus", "Essential", true),
            Map.of("Name", "cdepot", "Essential", true)));
    Template ownDomain =
        Deployments.template(Deployments.cloudFrontOptionsApp(), StackPart.MONITORING);
    ownDomain.hasResourceProperties(
        "AWS::ECS::TaskDefinition",
        taskRunning(
            withEnvironment("grafana", "GF_SERVER_ROOT_URL", "https://gifs.example.com/grafana/")));
  }

  @Test
  void a_failing_grafana_cannot_get_the_shared_task_replaced_and_its_first_start_has_time() {
    template.hasResourceProperties(
        "AWS::ElasticLoadBalancingV2::TargetGroup",
        Match.objectLike(
            Map.of("Port", 3000, "HealthCheckPort", "8002", "HealthCheckPath", "/healthz")));
    separate.hasResourceProperties(
        "AWS::ElasticLoadBalancingV2::TargetGroup",
        Match.objectLike(Map.of("Port", 3000, "HealthCheckPath", "/grafana/api/health")));
    template.hasResourceProperties(
        "AWS::ECS::Service", Match.objectLike(Map.of("HealthCheckGracePeriodSeconds", 300)));
  }

  @Test
  void monitoring_runs_on_fargate_spot_unless_turned_off() {
    template.hasResourceProperties(
        "AWS::ECS::Service",
        Match.objectLike(
            Map.of(
                "CapacityProviderStrategy",
                List.of(Map.of("CapacityProvider", "FARGATE_SPOT", "Weight", 1)))));
    Deployments.template(Deployments.cloudFrontOptionsApp(), StackPart.MONITORING)
        .hasResourceProperties(
            "AWS::ECS::Service", Match.objectLike(Map.of("LaunchType", "FARGATE")));
  }

  @Test
  void grafana_is_a_path_on_the_production_listener_and_prometheus_has_no_route() {
    template.resourceCountIs("AWS::ElasticLoadBalancingV2::Listener", 0);
    template.hasResourceProperties(
        "AWS::ElasticLoadBalancingV2::ListenerRule",
        Match.objectLike(
            Map.of(
                "Priority",
                MonitoringStack.GRAFANA_RULE_PRIORITY,
                "Conditions",
                List.of(
                    Match.objectLike(
                        Map.of(
                            "Field",
                            "path-pattern",
                            "PathPatternConfig",
                            Map.of("Values", List.of("/grafana", "/grafana/*"))))))));
    template.resourceCountIs("AWS::ElasticLoadBalancingV2::TargetGroup", 1);
    template.hasResourceProperties(
        "AWS::ECS::Service",
        Match.objectLike(
            Map.of(
                "LoadBalancers",
                List.of(
                    Map.of(
                        "ContainerName",
                        "grafana",
                        "ContainerPort",
                        3000,
                        "TargetGroupArn",
                        Match.objectLike(Map.of("Ref", Match.stringLikeRegexp("Grafana"))))))));
    template.allResourcesProperties(
        "AWS::ECS::Service",
        Match.objectLike(
            Map.of(
                "NetworkConfiguration",
                Map.of(
                    "AwsvpcConfiguration",
                    Match.objectLike(Map.of("AssignPublicIp", "DISABLED"))))));
  }

  @Test
  void outputs_are_the_ones_the_cli_reads() {
    assertThat(Deployments.contractOutputs(template))
        .containsExactlyInAnyOrder(
            StackOutputs.GRAFANA_ADMIN_SECRET_ARN, StackOutputs.MONITORING_SERVICE_NAME);
    assertThat(Deployments.contractOutputs(separate)).contains(StackOutputs.GRAFANA_URL);
  }
}
