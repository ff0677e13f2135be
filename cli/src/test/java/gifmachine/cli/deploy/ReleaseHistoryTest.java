package gifmachine.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import gifmachine.cli.deploy.ReleaseHistory.Release;
import gifmachine.infra.ImageName;
import gifmachine.infra.ImageSet;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReleaseHistoryTest {

  private static final Instant T0 = Instant.parse("2026-11-01T10:00:00Z");
  private final List<Release> history = new ArrayList<>();

  @Test
  void the_previous_release_is_the_one_before_the_release_that_runs() {
    up("a");
    up("b");
    up("c");

    assertThat(previous("c")).isEqualTo("b");
    assertThat(previous("b")).isEqualTo("a");
  }

  @Test
  void repeated_rollbacks_walk_back_in_time_and_never_return_to_a_release_rolled_back_from() {
    up("a");
    up("b");
    up("c");
    rollback("b", "c");

    assertThat(previous("b")).as("c was rolled back from; b runs again").isEqualTo("a");
    rollback("a", "b");
    assertThat(previous("a")).as("nothing before a").isEmpty();
  }

  @Test
  void a_release_deployed_again_by_up_after_being_rolled_back_from_can_be_returned_to_later() {
    up("a");
    up("b");
    rollback("a", "b");
    up("b");
    up("c");

    assertThat(previous("c")).isEqualTo("b");
  }

  @Test
  void when_no_release_matches_what_runs_the_newest_other_release_is_the_way_back() {
    up("a");
    up("b");

    assertThat(previous("x")).as("an up interrupted before it recorded its release").isEqualTo("b");
  }

  @Test
  void a_single_release_or_none_has_nothing_to_go_back_to() {
    assertThat(previous("a")).isEmpty();
    up("a");
    assertThat(previous("a")).isEmpty();
  }

  @Test
  void a_part_switched_off_matches_any_image_of_that_part() {
    up("a");
    up("b");
    ImageSet running =
        ImageSet.of(
            image ->
                image == ImageName.GIFMACHINE || image == ImageName.CSIDECAR
                    ? images("b").get(image)
                    : "");

    assertThat(ReleaseHistory.previous(history, running))
        .hasValueSatisfying(r -> assertThat(r.source()).isEqualTo("a"));
  }

  @Test
  void a_record_that_cannot_be_read_is_skipped() {
    assertThat(ReleaseHistory.fromJson("{not json".getBytes(StandardCharsets.UTF_8))).isEmpty();
    assertThat(ReleaseHistory.fromJson("{\"images\":{}}".getBytes(StandardCharsets.UTF_8)))
        .isEmpty();
  }

  private void up(String name) {
    ImageSet before = history.isEmpty() ? ReleaseHistory.none() : history.getLast().images();
    history.add(
        new Release(images(name), T0.plusSeconds(60L * history.size()), name, before, false));
  }

  private void rollback(String to, String from) {
    history.add(
        new Release(images(to), T0.plusSeconds(60L * history.size()), to, images(from), true));
  }

  private String previous(String running) {
    return ReleaseHistory.previous(history, images(running)).map(Release::source).orElse("");
  }

  private static ImageSet images(String name) {
    String digest = "@sha256:" + Integer.toHexString(name.hashCode()).repeat(8);
    String repo = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/prod-acme/";
    return ImageSet.of(image -> repo + image.repositoryName() + digest);
  }
}
