package gifmachine.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class NetworkStackTest {
  static Template defaults;
  static Template everyOption;

  @BeforeAll
  static void synthesize() {
    defaults = Deployments.template(Deployments.defaultApp(), StackPart.NETWORK);
    everyOption = Deployments.template(Deployments.everyOptionApp(), StackPart.NETWORK);
  }

  @Test
  void nat_is_one_hardened_graviton_instance_from_the_public_ssm_parameter_by_default() {
    defaults.resourceCountIs("AWS::EC2::Instance", 1);
    defaults.resourceCountIs("AWS::EC2::NatGateway", 0);
    defaults.hasResourceProperties(
        "AWS::EC2::Instance",
        Match.objectLike(
            Map.of(
                "InstanceType",
                "t4g.nano",
                "SourceDestCheck",
                false,
                "MetadataOptions",
                Map.of("HttpTokens", "required", "HttpEndpoint", "enabled"),
                "BlockDeviceMappings",
                Match.arrayWith(
                    List.of(
                        Match.objectLike(
                            Map.of("Ebs", Match.objectLike(Map.of("Encrypted", true)))))))));
    assertThat(defaults.toJSON().get("Parameters").toString())
        .contains(NetworkStack.NAT_AMI_PARAMETER)
        .doesNotContainPattern("ami-[0-9a-f]{8}");
  }

  @Test
  void the_nat_instance_boots_without_installing_packages_and_sets_nat_up_on_every_boot() {
    String userData =
        defaults.findResources("AWS::EC2::Instance").values().iterator().next().toString();

    assertThat(userData)
        .doesNotContain("dnf ")
        .doesNotContain("yum ")
        .contains("masquerade")
        .contains("systemctl enable --now gifmachine-nat.service")
        .contains("WantedBy=multi-user.target");
  }

  @Test
  void the_nat_instance_recovers_on_a_failed_system_check_and_reboots_on_a_failed_instance_check() {
    for (var check :
        Map.of(
                "StatusCheckFailed_System",
                ":ec2:recover",
                "StatusCheckFailed_Instance",
                ":ec2:reboot")
            .entrySet()) {
      defaults.hasResourceProperties(
          "AWS::CloudWatch::Alarm",
          Match.objectLike(
              Map.of(
                  "Namespace", "AWS/EC2",
                  "MetricName", check.getKey(),
                  "Dimensions",
                      List.of(
                          Map.of(
                              "Name",
                              "InstanceId",
                              "Value",
                              Match.objectLike(Map.of("Ref", Match.anyValue())))),
                  "AlarmActions",
                      List.of(
                          Map.of(
                              "Fn::Join",
                              Match.arrayWith(
                                  List.of(
                                      Match.arrayWith(
                                          List.of(
                                              Match.stringLikeRegexp(
                                                  ".*" + check.getValue()))))))))));
    }
    everyOption.resourceCountIs("AWS::CloudWatch::Alarm", 0);
  }

  @Test
  void only_the_vpc_may_send_traffic_through_the_nat_instance() {
    defaults.hasResourceProperties(
        "AWS::EC2::SecurityGroup",
        Match.objectLike(
            Map.of(
                "GroupDescription",
                "Security Group for NAT instances",
                "SecurityGroupIngress",
                List.of(
                    Match.objectLike(
                        Map.of(
                            "CidrIp",
                            Map.of(
                                "Fn::GetAtt", List.of(Match.stringLikeRegexp("Vpc"), "CidrBlock")),
                            "IpProtocol",
                            "-1"))))));
  }

  @Test
  void a_nat_gateway_and_interface_endpoints_come_by_option() {
    everyOption.resourceCountIs("AWS::EC2::NatGateway", 1);
    everyOption.resourceCountIs("AWS::EC2::Instance", 0);
    everyOption.resourcePropertiesCountIs(
        "AWS::EC2::VPCEndpoint",
        Match.objectLike(Map.of("VpcEndpointType", "Interface", "PrivateDnsEnabled", true)),
        5);
    String endpoints = everyOption.findResources("AWS::EC2::VPCEndpoint").toString();
    for (String service : List.of("ecr.api", "ecr.dkr", "logs", "secretsmanager", "ssmmessages")) {
      assertThat(endpoints).contains("." + service + "]");
    }
    defaults.resourcePropertiesCountIs(
        "AWS::EC2::VPCEndpoint", Map.of("VpcEndpointType", "Interface"), 0);
  }

  @Test
  void the_s3_gateway_endpoint_is_always_there() {
    defaults.hasResourceProperties(
        "AWS::EC2::VPCEndpoint",
        Match.objectLike(
            Map.of("VpcEndpointType", "Gateway", "ServiceName", Match.objectLike(Map.of()))));
    assertThat(defaults.findResources("AWS::EC2::VPCEndpoint").toString()).contains(".s3");
  }

  @Test
  void two_zones_with_public_and_private_subnets_and_no_default_group_custom_resource() {
    defaults.resourceCountIs("AWS::EC2::Subnet", 4);
    defaults.resourcePropertiesCountIs("AWS::EC2::Subnet", Map.of("MapPublicIpOnLaunch", false), 2);
    defaults.hasResourceProperties(
        "AWS::EC2::FlowLog", Match.objectLike(Map.of("TrafficType", "REJECT")));
  }

  @Test
  void
      on_the_alb_edge_the_internet_reaches_http_and_https_when_a_certificate_is_given_never_3000() {
    assertThat(publicPorts(everyOption)).containsExactlyInAnyOrder(80, 443);
  }

  @Test
  void behind_cloudfront_the_load_balancer_admits_only_cloudfronts_origin_facing_prefix_list() {
    assertThat(publicPorts(defaults)).isEmpty();
    defaults.hasResourceProperties(
        "AWS::EC2::SecurityGroup",
        Match.objectLike(
            Map.of("GroupDescription", Match.stringLikeRegexp("internal load balancer"))));
    defaults.resourcePropertiesCountIs(
        "AWS::EC2::SecurityGroupIngress",
        Match.objectLike(Map.of("SourcePrefixListId", Match.anyValue())),
        1);
    defaults.hasResourceProperties(
        "AWS::EC2::SecurityGroupIngress",
        Match.objectLike(
            Map.of(
                "SourcePrefixListId",
                Deployments.PREFIX_LIST,
                "GroupId",
                Map.of(
                    "Fn::GetAtt",
                    List.of(Match.stringLikeRegexp("LoadBalancerSecurityGroup"), "GroupId")),
                "IpProtocol",
                "tcp",
                "FromPort",
                80,
                "ToPort",
                80)));
  }

  @Test
  void without_a_looked_up_prefix_list_synthesis_writes_the_placeholder_up_refuses() {
    DeploymentConfig noLookup = Deployments.defaultsBuilder().build();
    assertThat(noLookup.prefixListOrPlaceholder())
        .isEqualTo(DeploymentConfig.PREFIX_LIST_PLACEHOLDER);
  }

  @Test
  void tasks_are_reached_only_from_the_load_balancer_and_monitoring() {
    Map<String, Map<String, Object>> rules =
        new java.util.HashMap<>(defaults.findResources("AWS::EC2::SecurityGroupIngress"));
    rules
        .values()
        .removeIf(rule -> ((Map<?, ?>) rule.get("Properties")).containsKey("SourcePrefixListId"));
    assertThat(rules.values())
        .allSatisfy(
            rule ->
                assertThat(
                        ((Map<?, ?>) rule.get("Properties")).containsKey("SourceSecurityGroupId"))
                    .as("ingress between our groups names a group, not a CIDR")
                    .isTrue());
    assertThat(
            rules.values().stream()
                .map(
                    rule ->
                        ((Number) ((Map<?, ?>) rule.get("Properties")).get("FromPort")).intValue())
                .toList())
        .containsExactlyInAnyOrder(4567, 4567, 8080, 3000, 8002, 8002);
  }

  @SuppressWarnings("unchecked")
  private static List<Integer> publicPorts(Template template) {
    return template.findResources("AWS::EC2::SecurityGroup").values().stream()
        .flatMap(
            group ->
                ((List<Map<String, Object>>)
                        ((Map<String, Object>) group.get("Properties"))
                            .getOrDefault("SecurityGroupIngress", List.of()))
                    .stream())
        .filter(rule -> "0.0.0.0/0".equals(rule.get("CidrIp")))
        .map(rule -> ((Number) rule.get("FromPort")).intValue())
        .toList();
  }
}
