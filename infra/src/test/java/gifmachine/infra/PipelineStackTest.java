package gifmachine.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class PipelineStackTest {
  static Template template;

  @BeforeAll
  static void synthesize() {
    template = Deployments.template(Deployments.defaultApp(), StackPart.PIPELINE);
  }

  @Test
  void buckets_are_versioned_encrypted_private_and_tls_only() {
    template.resourceCountIs("AWS::S3::Bucket", 2);
    template.allResourcesProperties(
        "AWS::S3::Bucket",
        Match.objectLike(
            Map.of(
                "VersioningConfiguration", Map.of("Status", "Enabled"),
                "BucketEncryption", Match.objectLike(Map.of()),
                "PublicAccessBlockConfiguration",
                    Map.of(
                        "BlockPublicAcls",
                        true,
                        "BlockPublicPolicy",
                        true,
                        "IgnorePublicAcls",
                        true,
                        "RestrictPublicBuckets",
                        true))));
    template.resourceCountIs("AWS::S3::BucketPolicy", 2);
    assertThat(template.findResources("AWS::S3::BucketPolicy").toString())
        .contains("aws:SecureTransport");
  }

  @Test
  void the_maven_repository_and_jibs_layers_are_cached_in_s3_between_builds() {
    template.hasResourceProperties(
        "AWS::CodeBuild::Project",
        Match.objectLike(
            Map.of(
                "Cache", Match.objectLike(Map.of("Type", "S3")),
                "Source",
                    Match.objectLike(
                        Map.of(
                            "BuildSpec",
                            Match.stringLikeRegexp(
                                "\"cache\":\\s*\\{\\s*\"paths\":\\s*\\[\\s*\"/root/\\.m2/\\*\\*/\\*\",\\s*\""
                                    + PipelineStack.IMAGE_CACHE
                                    + "/\\*\\*/\\*\""))))));
    assertThat(
            Deployments.JSON
                .valueToTree(template.findResources("AWS::CodeBuild::Project"))
                .toString())
        .contains("\"" + PipelineStack.CACHE_PREFIX + "\"");
  }

  @Test
  void codebuild_runs_without_docker_and_pushes_with_the_cli() {
    template.hasResourceProperties(
        "AWS::CodeBuild::Project",
        Match.objectLike(
            Map.of(
                "Environment", Match.objectLike(Map.of("PrivilegedMode", false)),
                "Source",
                    Match.objectLike(
                        Map.of(
                            "BuildSpec",
                            Match.stringLikeRegexp(
                                "java -jar cli/target/cli-0.1.0-SNAPSHOT-all.jar images push --deployment "
                                    + "prod-dundermiff --region eu-west-1 --platform arm64 --revision .*"
                                    + " --output json > images.json\""))))));
    assertThat(
            Deployments.JSON
                .valueToTree(template.findResources("AWS::CodeBuild::Project"))
                .toString())
        .doesNotContain("--task-definition", "--appspec-out", "describe-task-definition");
  }

  @Test
  void the_pipeline_goes_from_s3_through_the_image_build_to_up_and_no_longer_through_codedeploy() {
    template.hasResourceProperties(
        "AWS::CodePipeline::Pipeline",
        Match.objectLike(
            Map.of(
                "PipelineType",
                "V2",
                "Stages",
                List.of(
                    stage(PipelineStack.SOURCE_STAGE, PipelineStack.SOURCE_ACTION, "S3"),
                    stage(PipelineStack.BUILD_STAGE, PipelineStack.BUILD_ACTION, "CodeBuild"),
                    stage(PipelineStack.DEPLOY_STAGE, PipelineStack.DEPLOY_ACTION, "CodeBuild")))));
    assertThat(
            List.of(
                PipelineStack.SOURCE_STAGE, PipelineStack.BUILD_STAGE, PipelineStack.DEPLOY_STAGE))
        .containsExactly("Source", "Build", "Deploy");
  }

  private static Object stage(String name, String action, String provider) {
    return Match.objectLike(
        Map.of(
            "Name",
            name,
            "Actions",
            List.of(
                Match.objectLike(
                    Map.of(
                        "Name",
                        action,
                        "ActionTypeId",
                        Match.objectLike(Map.of("Provider", provider)))))));
  }

  @Test
  void nothing_but_a_release_starts_the_pipeline_no_polling_no_events() {
    template.hasResourceProperties(
        "AWS::CodePipeline::Pipeline",
        Match.objectLike(
            Map.of(
                "Stages",
                Match.arrayWith(
                    List.of(
                        Match.objectLike(
                            Map.of(
                                "Actions",
                                List.of(
                                    Match.objectLike(
                                        Map.of(
                                            "Configuration",
                                            Match.objectLike(
                                                Map.of(
                                                    "S3ObjectKey",
                                                    PipelineStack.SOURCE_KEY,
                                                    "PollForSourceChanges",
                                                    false))))))))))));
    template.resourceCountIs("AWS::Events::Rule", 0);
    template.resourceCountIs("AWS::CloudTrail::Trail", 0);
  }

  @Test
  void the_build_tags_the_images_with_the_source_archives_etag_and_hands_their_digests_to_deploy() {
    template.hasResourceProperties(
        "AWS::CodePipeline::Pipeline",
        Match.objectLike(
            Map.of(
                "Stages",
                Match.arrayWith(
                    List.of(
                        Match.objectLike(
                            Map.of(
                                "Name",
                                PipelineStack.BUILD_STAGE,
                                "Actions",
                                List.of(
                                    Match.objectLike(
                                        Map.of(
                                            "OutputArtifacts", List.of(Map.of("Name", "Images")),
                                            "Configuration",
                                                Match.objectLike(
                                                    Map.of(
                                                        "EnvironmentVariables",
                                                        Match.stringLikeRegexp(
                                                            "SOURCE_ETAG.*#\\{SourceVariables\\.ETag\\}")))))))))))));
    template.hasResourceProperties(
        "AWS::CodeBuild::Project",
        Match.objectLike(
            Map.of(
                "Source",
                Match.objectLike(
                    Map.of(
                        "BuildSpec",
                        Match.stringLikeRegexp(
                            "\"artifacts\":\\s*\\{\\s*\"files\":\\s*\\[\\s*\"images\\.json\",\\s*\""
                                + PipelineStack.CLI_JAR.replace(".", "\\.")
                                + "\""))))));
  }

  @Test
  void deploy_runs_up_with_the_pushed_images_and_every_setting_of_the_deployment() {
    String command =
        "java -jar "
            + PipelineStack.CLI_JAR
            + " up --environment prod --company dundermiff"
            + " --region eu-west-1 --nat-gateway=false --interface-endpoints=false --graviton=true"
            + " --waf=false --edge cloudfront --min-tasks 1 --max-tasks 4 --db-instance-class db.t4g.micro"
            + " --monitoring=true --monitoring-spot=true --pipeline=true --strategy blue-green"
            + " --images images.json --yes";
    assertThat(projects().toString()).contains(command.replace("\"", "\\\""));
  }

  @Test
  void builds_run_on_the_smallest_arm_instance_with_images_from_codebuild_itself() {
    template.allResourcesProperties(
        "AWS::CodeBuild::Project",
        Match.objectLike(
            Map.of(
                "Environment",
                Match.objectLike(
                    Map.of(
                        "Type", "ARM_CONTAINER",
                        "ComputeType", "BUILD_GENERAL1_SMALL",
                        "Image", "aws/codebuild/amazonlinux2-aarch64-standard:3.0",
                        "PrivilegedMode", false)))));
  }

  @Test
  void projects_carry_the_deployments_name_which_the_operator_policy_grants_codebuild_by() {
    String deployment = Deployments.defaults().deploymentName();
    List<String> names = new ArrayList<>();
    projects().forEach(project -> names.add(project.path("Properties").path("Name").asText()));
    assertThat(names).containsExactlyInAnyOrder(deployment + "-images", deployment + "-up");
  }

  @Test
  void the_deploy_role_holds_exactly_the_operator_policy_and_cannot_assume_other_roles() {
    Map<String, Map<String, Object>> policies =
        template.findResources(
            "AWS::IAM::Policy",
            Match.objectLike(
                Map.of(
                    "Properties",
                    Match.objectLike(
                        Map.of("PolicyName", Match.stringLikeRegexp("OperatorPolicy.*"))))));
    assertThat(policies).hasSize(1);
    var statements =
        Deployments.JSON
            .valueToTree(policies)
            .elements()
            .next()
            .path("Properties")
            .path("PolicyDocument")
            .path("Statement");
    List<String> sids = new java.util.ArrayList<>();
    statements.forEach(statement -> sids.add(statement.path("Sid").asText()));
    DeploymentConfig config = Deployments.defaultsBuilder().build();
    assertThat(sids)
        .containsExactlyElementsOf(
            gifmachine.infra.iam.OperatorPolicy.statements(config, "123456789012").stream()
                .map(gifmachine.infra.iam.PolicyStatement::sid)
                .toList());
    statements.forEach(
        statement ->
            assertThat(statement.path("Action").toString())
                .as(statement.path("Sid").asText())
                .doesNotContain("sts:AssumeRole", "\"*\""));
    assertThat(policies.values().iterator().next().toString()).contains("Deploy");
  }

  /**
   * A role's inline policies may hold 10,240 characters in all, whitespace excluded
   * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html): the operator
   * policy and CodeBuild's own grants must fit together on the Deploy role, with room for the
   * account IDs that replace the references.
   */
  @Test
  void the_deploy_roles_inline_policies_fit_iams_size_limit_together() {
    int characters = 0;
    for (Map<String, Object> policy : template.findResources("AWS::IAM::Policy").values()) {
      var json = Deployments.JSON.valueToTree(policy).path("Properties");
      if (json.path("Roles").toString().contains("DeployRole")) {
        characters += json.path("PolicyDocument").toString().length();
      }
    }
    assertThat(characters).isGreaterThan(4_000).isLessThan(10_240 - 1_000);
  }

  private static JsonNode projects() {
    return Deployments.JSON.valueToTree(template.findResources("AWS::CodeBuild::Project"));
  }

  @Test
  void outputs_are_the_ones_the_cli_reads() {
    assertThat(Deployments.contractOutputs(template))
        .containsExactlyInAnyOrder(
            StackOutputs.PIPELINE_NAME,
            StackOutputs.SOURCE_BUCKET_NAME,
            StackOutputs.ARTIFACT_BUCKET_NAME);
  }
}
