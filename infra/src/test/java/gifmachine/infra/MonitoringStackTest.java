package gifmachine.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class MonitoringStackTest {
  static Template template;
  static Template separate;

  @BeforeAll
  static void synthesize() {
    template = Deployments.template(Deployments.defaultApp(), StackPart.MONITORING);
    separate = Deployments.template(Deployments.everyOptionApp(), StackPart.MONITORING);
  }

  @Test
  void one_task_runs_prometheus_cdepot_and_grafana_unless_grafana_is_asked_apart() {
    template.resourceCountIs("AWS::ECS::TaskDefinition", 1);
    template.resourceCountIs("AWS::ECS::Service", 1);
    template.hasResourceProperties("AWS::ECS::TaskDefinition", Match.objectLike(Map.of(
        "ContainerDefinitions", Match.arrayWith(List.of(Match.objectLike(Map.of(
            "Name", "grafana",
            "Environment", Match.arrayWith(List.of(
                Map.of("Name", "PROMETHEUS_URL", "Value", "http://localhost:9090"))))))))));
    separate.resourceCountIs("AWS::ECS::TaskDefinition", 2);
    separate.resourceCountIs("AWS::ECS::Service", 2);
    separate.hasResourceProperties("AWS::ECS::TaskDefinition", Match.objectLike(Map.of(
        "ContainerDefinitions", List.of(Match.objectLike(Map.of(
            "Name", "grafana",
            "Environment", Match.arrayWith(List.of(Map.of("Name", "PROMETHEUS_URL",
                "Value", "http://cdepot.staging-initech.gifmachine.internal:9090")))))))));
  }

  @Test
  void prometheus_and_cdepot_share_a_task_registered_as_cdepot_in_cloud_map() {
    template.hasResourceProperties("AWS::ECS::TaskDefinition", Match.objectLike(Map.of(
        "ContainerDefinitions", Match.arrayWith(List.of(
            Match.objectLike(Map.of("Name", "prometheus")),
            Match.objectLike(Map.of("Name", "cdepot",
                "PortMappings", List.of(Match.objectLike(Map.of("ContainerPort", 8002))))))))));
    template.hasResourceProperties("AWS::ServiceDiscovery::PrivateDnsNamespace",
        Match.objectLike(Map.of("Name", "prod-dundermiff.gifmachine.internal")));
    template.hasResourceProperties("AWS::ServiceDiscovery::Service",
        Match.objectLike(Map.of("Name", "cdepot")));
  }

  @Test
  void grafana_has_a_generated_admin_password_and_no_anonymous_access() {
    template.hasResourceProperties("AWS::SecretsManager::Secret", Match.objectLike(Map.of(
        "GenerateSecretString", Match.objectLike(Map.of("PasswordLength", 32)))));
    template.hasResourceProperties("AWS::ECS::TaskDefinition", Match.objectLike(Map.of(
        "ContainerDefinitions", Match.arrayWith(List.of(Match.objectLike(Map.of(
            "Name", "grafana",
            "Environment", Match.arrayWith(List.of(
                Map.of("Name", "GF_AUTH_ANONYMOUS_ENABLED", "Value", "false"))),
            "Secrets", List.of(Match.objectLike(Map.of(
                "Name", "GF_SECURITY_ADMIN_PASSWORD"))))))))));
  }

  @Test
  void data_lives_on_encrypted_efs_mounted_with_tls_through_access_points() {
    template.hasResourceProperties("AWS::EFS::FileSystem", Match.objectLike(Map.of(
        "Encrypted", true)));
    template.resourceCountIs("AWS::EFS::AccessPoint", 2);
    template.allResourcesProperties("AWS::ECS::TaskDefinition", Match.objectLike(Map.of(
        "Volumes", Match.arrayWith(List.of(Match.objectLike(Map.of("EFSVolumeConfiguration", Match.objectLike(
            Map.of("TransitEncryption", "ENABLED")))))))));
  }

  @Test
  void grafana_alone_is_published_on_its_own_listener_and_prometheus_not_at_all() {
    template.resourceCountIs("AWS::ElasticLoadBalancingV2::Listener", 1);
    template.hasResourceProperties("AWS::ElasticLoadBalancingV2::Listener",
        Match.objectLike(Map.of("Port", 3000)));
    template.resourceCountIs("AWS::ElasticLoadBalancingV2::TargetGroup", 1);
    template.hasResourceProperties("AWS::ElasticLoadBalancingV2::TargetGroup",
        Match.objectLike(Map.of("Port", 3000)));
    template.hasResourceProperties("AWS::ECS::Service", Match.objectLike(Map.of(
        "LoadBalancers", List.of(Map.of(
            "ContainerName", "grafana", "ContainerPort", 3000,
            "TargetGroupArn", Match.objectLike(Map.of("Ref", Match.stringLikeRegexp("Grafana"))))))));
    template.allResourcesProperties("AWS::ECS::Service", Match.objectLike(Map.of(
        "NetworkConfiguration", Map.of("AwsvpcConfiguration", Match.objectLike(Map.of(
            "AssignPublicIp", "DISABLED"))))));
  }

  @Test
  void outputs_are_the_ones_the_cli_reads() {
    assertThat(Deployments.contractOutputs(template)).containsExactlyInAnyOrder(
        StackOutputs.GRAFANA_URL, StackOutputs.GRAFANA_ADMIN_SECRET_ARN,
        StackOutputs.MONITORING_SERVICE_NAME);
  }
}
