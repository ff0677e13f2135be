package gifmachine.infra;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.assertions.Match;
import software.amazon.awscdk.assertions.Template;

class RegistryStackTest {
  static Template template;

  @BeforeAll
  static void synthesize() {
    template = Deployments.template(Deployments.defaultApp(), StackPart.REGISTRY);
  }

  @Test
  void
      every_image_has_a_repository_with_immutable_tags_scanned_on_push_that_empties_itself_on_delete() {
    for (String image : List.of("gifmachine", "csidecar", "cdepot", "prometheus", "grafana")) {
      template.hasResource(
          "AWS::ECR::Repository",
          Map.of(
              "Properties",
              Match.objectLike(
                  Map.of(
                      "RepositoryName",
                      "prod-dundermiff/" + image,
                      "ImageScanningConfiguration",
                      Map.of("ScanOnPush", true),
                      "ImageTagMutability",
                      "IMMUTABLE",
                      "EmptyOnDelete",
                      true,
                      "LifecyclePolicy",
                      Match.objectLike(
                          Map.of(
                              "LifecyclePolicyText",
                              Match.stringLikeRegexp(
                                  "\"tagStatus\":\"any\",\"countType\":\"imageCountMoreThan\",\"countNumber\":"
                                      + RegistryStack.KEPT_IMAGES
                                      + "}"))))),
              "DeletionPolicy",
              "Delete"));
    }
  }

  @Test
  void repository_uris_are_outputs_named_in_the_contract() {
    assertThat(Deployments.contractOutputs(template))
        .containsExactlyInAnyOrder(
            StackOutputs.GIFMACHINE_REPOSITORY_URI, StackOutputs.CSIDECAR_REPOSITORY_URI,
            StackOutputs.CDEPOT_REPOSITORY_URI, StackOutputs.PROMETHEUS_REPOSITORY_URI,
            StackOutputs.GRAFANA_REPOSITORY_URI, StackOutputs.DEPLOYMENT_ARTIFACTS_BUCKET);
  }

  @Test
  void the_registry_template_is_the_same_before_and_after_images_exist() {
    // The CLI's first synthesis, before anything is pushed, names images that do not exist yet.
    ImageSet unpublished = ImageSet.of(image -> "unpublished/" + image.repositoryName());
    SynthesizedApp beforePush =
        Infrastructure.synthesize(
            DeploymentConfig.builder("prod", "dundermiff", "eu-west-1")
                .images(unpublished)
                .build());
    assertThat(beforePush.stack(StackPart.REGISTRY).orElseThrow().templateBody())
        .isEqualTo(Deployments.defaultApp().stack(StackPart.REGISTRY).orElseThrow().templateBody());
  }

  @Test
  void the_registry_needs_only_the_execution_role_so_it_can_be_deployed_before_any_image_exists() {
    assertThat(Deployments.defaultApp().stack(StackPart.REGISTRY).orElseThrow().dependsOn())
        .containsExactly(Deployments.defaults().stackName(StackPart.EXECUTION_ROLE));
    assertThat(Deployments.defaultApp().stacks().get(0).part()).isEqualTo(StackPart.EXECUTION_ROLE);
    assertThat(Deployments.defaultApp().stacks().get(1).part()).isEqualTo(StackPart.REGISTRY);
  }
}
