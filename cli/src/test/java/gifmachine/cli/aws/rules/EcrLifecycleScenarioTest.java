package gifmachine.cli.aws.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import gifmachine.infra.DeploymentConfig;
import gifmachine.infra.ImageSet;
import gifmachine.infra.RegistryStack;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.assertions.Template;

/**
 * Forty days of a team's pushes and deployments against the registry stack's own repositories
 * (names, tag mutability and lifecycle policy taken from the synthesized template), with ECR's
 * daily lifecycle sweeps: every image an ACTIVE task definition revision names stays pullable.
 */
class EcrLifecycleScenarioTest {

  static final Instant START = Instant.parse("2026-12-01T08:00:00Z");
  static String registryTemplate;

  @BeforeAll
  static void synthesize() throws Exception {
    // The registry stack alone: synthesizing all six stacks would cost a minute on a busy machine.
    ImageSet images = ImageSet.of(image -> "x/" + image.repositoryName());
    DeploymentConfig config =
        DeploymentConfig.builder("prod", "acme", "eu-west-1").images(images).build();
    App app = new App();
    RegistryStack stack = new RegistryStack(app, "registry", StackProps.builder().build(), config);
    registryTemplate = new ObjectMapper().writeValueAsString(Template.fromStack(stack).toJSON());
  }

  /** The ECS side, as little as the history needs: revisions and which are ACTIVE. */
  static final class Revisions {
    final Map<String, List<String>> all = new LinkedHashMap<>();
    final int keptActive;

    Revisions(int keptActive) {
      this.keptActive = keptActive;
    }

    void register(List<String> images) {
      all.put("prod-acme-gifmachine:" + (all.size() + 1), List.copyOf(images));
    }

    /** The newest {@code keptActive}: the running one and those a rollback may return to. */
    Map<String, List<String>> active() {
      List<String> names = new ArrayList<>(all.keySet());
      Map<String, List<String>> active = new LinkedHashMap<>();
      names
          .subList(Math.max(0, names.size() - keptActive), names.size())
          .forEach(name -> active.put(name, all.get(name)));
      return active;
    }
  }

  /**
   * Forty working days: the app changes twice a day, the sidecar once a week; one push a week is
   * never deployed.
   */
  static void fortyDays(
      InMemoryEcr ecr, Revisions revisions, EcrSteps steps, boolean immutableTags) {
    String app = ecr.push("prod-acme/gifmachine", tag("app", 0, immutableTags), "sha256:app-0");
    String sidecar = ecr.push("prod-acme/csidecar", tag("side", 0, immutableTags), "sha256:side-0");
    revisions.register(List.of(app, sidecar));
    int build = 0;
    for (int day = 1; day <= 40; day++) {
      for (int change = 0; change < 2; change++) {
        build++;
        app =
            ecr.push(
                "prod-acme/gifmachine", tag("app", build, immutableTags), "sha256:app-" + build);
        revisions.register(List.of(app, sidecar));
      }
      if (day % 7 == 0) {
        sidecar =
            ecr.push("prod-acme/csidecar", tag("side", day, immutableTags), "sha256:side-" + day);
        revisions.register(List.of(app, sidecar));
        build++;
        ecr.push(
            "prod-acme/gifmachine",
            tag("app", build, immutableTags),
            "sha256:app-" + build); // a failed pipeline run
      }
      steps.sweepEcrLifecycle(Duration.ofDays(1));
      steps.assertEveryActiveRevisionCanPull();
    }
  }

  static String tag(String image, int build, boolean immutableTags) {
    return immutableTags ? image + "-" + build + "-arm64" : "latest";
  }

  @Test
  void forty_days_of_sweeps_leave_every_image_an_active_revision_names_pullable() {
    InMemoryEcr ecr = InMemoryEcr.fromRegistryTemplate(registryTemplate, START);
    // A rollback returns to the previous revision; keeping a few more active is the cautious case.
    Revisions revisions = new Revisions(RegistryStack.KEPT_IMAGES / 2);
    EcrSteps steps = new EcrSteps(ecr, revisions::active);

    fortyDays(ecr, revisions, steps, true);

    assertThat(revisions.all).hasSizeGreaterThan(80);
    assertThat(ecr.canPull("prod-acme/gifmachine@sha256:app-1"))
        .as("old builds do expire")
        .isFalse();
  }

  @Test
  void the_repositories_refuse_a_moving_latest_tag() {
    InMemoryEcr ecr = InMemoryEcr.fromRegistryTemplate(registryTemplate, START);
    ecr.push("prod-acme/gifmachine", "latest", "sha256:1");

    assertThatThrownBy(() -> ecr.push("prod-acme/gifmachine", "latest", "sha256:2"))
        .hasMessageContaining("ImageTagAlreadyExistsException");
  }

  @Test
  void
      the_earlier_registry_a_moving_latest_tag_and_a_week_for_untagged_images_loses_a_running_image() {
    // What the registry stack had before: mutable tags, every push as latest, untagged images
    // expired 7 days after their push. The sidecar's first image loses "latest" on day 7, is
    // already 7 days old and goes in that night's sweep while that day's revisions still name it.
    InMemoryEcr ecr = new InMemoryEcr(START);
    String before =
        "{\"rules\":[{\"rulePriority\":1,\"selection\":{\"tagStatus\":\"untagged\","
            + "\"countType\":\"sinceImagePushed\",\"countUnit\":\"days\",\"countNumber\":7},\"action\":{\"type\":\"expire\"}},"
            + "{\"rulePriority\":2,\"selection\":{\"tagStatus\":\"any\",\"countType\":\"imageCountMoreThan\","
            + "\"countNumber\":30},\"action\":{\"type\":\"expire\"}}]}";
    ecr.createRepository("prod-acme/gifmachine", false, before);
    ecr.createRepository("prod-acme/csidecar", false, before);
    Revisions revisions = new Revisions(RegistryStack.KEPT_IMAGES / 2);
    EcrSteps steps = new EcrSteps(ecr, revisions::active);

    assertThatThrownBy(() -> fortyDays(ecr, revisions, steps, false))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("CannotPullContainerError");
  }
}
