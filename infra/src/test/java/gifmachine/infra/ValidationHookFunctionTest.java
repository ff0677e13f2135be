package gifmachine.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

/** The validation hook in the service stack: what it runs, where, and what it may do. */
class ValidationHookFunctionTest {
  static Template withHook;
  static Template withoutHook;

  @BeforeAll
  static void synthesize() {
    withHook = Deployments.template(Deployments.defaultApp(), StackPart.GIFMACHINE);
    // everyOption is synthesized as before an upload: no hook key.
    withoutHook = Deployments.template(Deployments.everyOptionApp(), StackPart.GIFMACHINE);
  }

  @Test
  void the_hook_is_a_java_25_function_from_the_uploaded_jar_in_the_vpc() {
    withHook.hasResourceProperties(
        "AWS::Lambda::Function",
        Match.objectLike(
            Map.of(
                "Runtime", "java25",
                "Handler", "gifmachine.hook.ValidationHook::handleRequest",
                "Architectures", List.of("arm64"),
                "Code",
                    Map.of(
                        "S3Bucket",
                        Match.objectLike(
                            Map.of("Fn::ImportValue", Match.stringLikeRegexp("Artifacts"))),
                        "S3Key",
                        Deployments.HOOK_KEY),
                "VpcConfig", Match.objectLike(Map.of("SubnetIds", Match.anyValue())),
                "Environment",
                    Map.of(
                        "Variables",
                        Map.of(
                            "GIFMACHINE_TEST_URL",
                            Match.objectLike(
                                Map.of(
                                    "Fn::Join",
                                    Match.arrayWith(
                                        List.of(Match.arrayWith(List.of(":8080/")))))))))));
  }

  @Test
  void ecs_calls_the_hook_after_test_traffic_shifts() {
    withHook.hasResourceProperties(
        "AWS::ECS::Service",
        Match.objectLike(
            Map.of(
                "DeploymentConfiguration",
                Match.objectLike(
                    Map.of(
                        "LifecycleHooks",
                        List.of(
                            Match.objectLike(
                                Map.of(
                                    "LifecycleStages", List.of("POST_TEST_TRAFFIC_SHIFT"),
                                    "HookTargetArn",
                                        Match.objectLike(
                                            Map.of(
                                                "Fn::GetAtt",
                                                Match.arrayWith(
                                                    List.of(
                                                        Match.stringLikeRegexp(
                                                            "ValidationHookFunction")))))))))))));
  }

  @Test
  void without_an_uploaded_jar_there_is_no_hook() {
    withoutHook.resourceCountIs("AWS::Lambda::Function", 0);
  }

  @Test
  void the_hook_can_reach_only_the_test_listener() {
    withHook.hasResourceProperties(
        "AWS::EC2::SecurityGroupEgress",
        Match.objectLike(
            Map.of(
                "IpProtocol",
                "tcp",
                "FromPort",
                8080,
                "ToPort",
                8080,
                "DestinationSecurityGroupId",
                Match.anyValue())));
    withHook.resourcePropertiesCountIs(
        "AWS::EC2::SecurityGroupEgress",
        Match.objectLike(
            Map.of(
                "GroupId",
                Match.objectLike(
                    Map.of(
                        "Fn::GetAtt",
                        Match.arrayWith(
                            List.of(Match.stringLikeRegexp("ValidationHookSecurityGroup"))))))),
        1);
    assertThat(Deployments.defaultApp().stack(StackPart.GIFMACHINE).orElseThrow().templateBody())
        .doesNotContain("\"CidrIp\":\"0.0.0.0/0\",\"Description\":\"Allow all outbound");
    withHook.hasResourceProperties(
        "AWS::EC2::SecurityGroupIngress",
        Match.objectLike(
            Map.of("FromPort", 8080, "ToPort", 8080, "Description", "validation hook")));
  }

  @Test
  void the_hooks_role_writes_only_its_own_log_group_and_has_no_managed_policies() {
    Map<String, Map<String, Object>> roles =
        withHook.findResources(
            "AWS::IAM::Role",
            Match.objectLike(
                Map.of(
                    "Properties",
                    Match.objectLike(
                        Map.of(
                            "Description",
                            "Validation hook: writes its own log group, manages its VPC interfaces")))));
    assertThat(roles).hasSize(1);
    @SuppressWarnings("unchecked")
    Map<String, Object> properties =
        (Map<String, Object>) roles.values().iterator().next().get("Properties");
    assertThat(properties).doesNotContainKey("ManagedPolicyArns");
    String policies =
        Deployments.JSON.valueToTree(withHook.findResources("AWS::IAM::Policy")).toString();
    assertThat(policies).contains("logs:PutLogEvents").doesNotContain("\"logs:*\"");
  }

  @Test
  void ecs_may_invoke_the_hook_and_nothing_else() {
    withHook.hasResourceProperties(
        "AWS::IAM::Policy",
        Match.objectLike(
            Map.of(
                "PolicyDocument",
                Map.of(
                    "Version",
                    "2012-10-17",
                    "Statement",
                    List.of(
                        Match.objectLike(
                            Map.of(
                                "Action",
                                "lambda:InvokeFunction",
                                "Effect",
                                "Allow",
                                "Resource",
                                Match.anyValue())))))));
  }
}
