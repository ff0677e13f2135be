package gifmachine.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The templates deploy with plain CloudFormation: nothing that needs {@code cdk bootstrap} (assets,
 * the bootstrap-version parameter and rule) and no CDK custom resources (their Lambda code is an
 * asset).
 */
class NoBootstrapTest {

  static Stream<SynthesizedStack> stacks() {
    return Stream.concat(
        Deployments.defaultApp().stacks().stream(), Deployments.everyOptionApp().stacks().stream());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stacks")
  void no_template_needs_a_bootstrapped_account(SynthesizedStack stack) {
    JsonNode template = Deployments.json(stack);
    List<String> types = new ArrayList<>();
    template.path("Resources").forEach(resource -> types.add(resource.path("Type").asText()));
    assertThat(types)
        .as("resource types")
        .isNotEmpty()
        .noneMatch(type -> type.startsWith("Custom::"))
        .doesNotContain(
            "AWS::CloudFormation::CustomResource",
            "AWS::CDK::Metadata",
            "AWS::Lambda::LayerVersion");
    assertThat(template.has("Rules")).as("bootstrap version rule").isFalse();
    List<String> parameters = new ArrayList<>();
    template.path("Parameters").fieldNames().forEachRemaining(parameters::add);
    assertThat(parameters)
        .as("parameters")
        .noneMatch(name -> name.contains("BootstrapVersion"))
        .noneMatch(name -> name.startsWith("AssetParameters"));
    // The only parameters allowed are public SSM parameters (the NAT instance's AMI).
    template
        .path("Parameters")
        .forEach(
            parameter ->
                assertThat(parameter.path("Default").asText()).startsWith("/aws/service/"));
    assertThat(stack.templateBody())
        .doesNotContain("cdk-hnb659fds", "AssetParameters", "aws-cdk:asset");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stacks")
  void lambda_functions_carry_inline_code_or_code_the_cli_uploaded_to_our_own_bucket(
      SynthesizedStack stack) {
    Deployments.json(stack)
        .path("Resources")
        .forEach(
            resource -> {
              if (resource.path("Type").asText().equals("AWS::Lambda::Function")) {
                JsonNode code = resource.path("Properties").path("Code");
                if (!code.has("ZipFile")) {
                  assertThat(code.path("S3Bucket").path("Fn::ImportValue").asText())
                      .isEqualTo("prod-dundermiff-" + StackOutputs.DEPLOYMENT_ARTIFACTS_BUCKET);
                  assertThat(code.path("S3Key").asText()).matches("hook/[0-9a-f]{64}\\.jar");
                }
              }
            });
  }
}
