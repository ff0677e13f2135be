package gifmachine.infra;

import static org.assertj.core.api.Assertions.assertThat;

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
    template.allResourcesProperties("AWS::S3::Bucket", Match.objectLike(Map.of(
        "VersioningConfiguration", Map.of("Status", "Enabled"),
        "BucketEncryption", Match.objectLike(Map.of()),
        "PublicAccessBlockConfiguration", Map.of(
            "BlockPublicAcls", true, "BlockPublicPolicy", true,
            "IgnorePublicAcls", true, "RestrictPublicBuckets", true))));
    template.resourceCountIs("AWS::S3::BucketPolicy", 2);
    assertThat(template.findResources("AWS::S3::BucketPolicy").toString())
        .contains("aws:SecureTransport");
  }

  @Test
  void codebuild_runs_without_docker_and_pushes_with_the_cli() {
    template.hasResourceProperties("AWS::CodeBuild::Project", Match.objectLike(Map.of(
        "Environment", Match.objectLike(Map.of("PrivilegedMode", false)),
        "Source", Match.objectLike(Map.of("BuildSpec", Match.stringLikeRegexp(
            "aws ecs describe-task-definition --task-definition prod-dundermiff-gifmachine "
                + "--region eu-west-1 --query taskDefinition --output json > current-taskdef.json"
                + "[\\s\\S]*java -jar cli/target/cli-0.1.0-SNAPSHOT-all.jar images push --deployment "
                + "prod-dundermiff --region eu-west-1 --platform arm64 "
                + "--task-definition-template current-taskdef.json "
                + "--task-definition-out taskdef.json "
                + "--appspec-out appspec.yaml"))))));
  }

  @Test
  void the_pipeline_goes_from_s3_through_codebuild_and_no_longer_through_codedeploy() {
    template.hasResourceProperties("AWS::CodePipeline::Pipeline", Match.objectLike(Map.of(
        "Stages", List.of(stage("Source", "S3"), stage("Build", "CodeBuild")))));
  }

  private static Object stage(String name, String provider) {
    return Match.objectLike(Map.of("Name", name, "Actions", List.of(Match.objectLike(Map.of(
        "ActionTypeId", Match.objectLike(Map.of("Provider", provider)))))));
  }

  @Test
  void outputs_are_the_ones_the_cli_reads() {
    assertThat(Deployments.contractOutputs(template)).containsExactlyInAnyOrder(
        StackOutputs.PIPELINE_NAME, StackOutputs.SOURCE_BUCKET_NAME,
        StackOutputs.ARTIFACT_BUCKET_NAME);
  }
}
