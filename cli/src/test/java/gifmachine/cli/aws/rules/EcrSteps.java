package gifmachine.cli.aws.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * ECR steps for lifecycle scenarios, so a history reads {@code deploy(); newSidecarImage();
 * ecr.sweepEcrLifecycle(Duration.ofDays(40)); ecr.assertEveryActiveRevisionCanPull();}. The active
 * revisions come from whichever ECS model the scenario runs (a supplier of revision → the image
 * references its containers name).
 */
public final class EcrSteps {

  private final InMemoryEcr ecr;
  private final Supplier<Map<String, List<String>>> activeRevisionImages;

  public EcrSteps(InMemoryEcr ecr, Supplier<Map<String, List<String>>> activeRevisionImages) {
    this.ecr = ecr;
    this.activeRevisionImages = activeRevisionImages;
  }

  /** Lets {@code duration} pass with ECR's daily lifecycle evaluation; returns what expired. */
  public List<String> sweepEcrLifecycle(Duration duration) {
    return ecr.sweepLifecycle(duration);
  }

  /**
   * Fails naming the revision and image when any ACTIVE revision's image can no longer be pulled.
   */
  public void assertEveryActiveRevisionCanPull() {
    activeRevisionImages
        .get()
        .forEach(
            (revision, images) -> {
              for (String image : images) {
                assertThat(ecr.canPull(image))
                    .as(
                        "%s names %s, which a task must be able to pull (CannotPullContainerError otherwise)",
                        revision, image)
                    .isTrue();
              }
            });
  }
}
