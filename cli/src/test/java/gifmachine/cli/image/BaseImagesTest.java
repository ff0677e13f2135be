package gifmachine.cli.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class BaseImagesTest {

  /**
   * Bases that cannot come from ECR Public, each with its registry: Prometheus from its
   * project's own Quay repository, Grafana from Docker Hub (no official Grafana image on ECR
   * Public: docs/images.md, Known limits).
   */
  private static final Map<BaseImage, String> NOT_ON_ECR_PUBLIC = Map.of(
      BaseImage.PROMETHEUS, "quay.io/prometheus/",
      BaseImage.GRAFANA, "docker.io/grafana/");

  @Test
  void every_release_base_is_pinned_by_the_digest_of_its_index() {
    assertThat(BaseImages.OFFICIAL).containsOnlyKeys(BaseImage.values());
    assertThat(BaseImages.OFFICIAL.values()).allSatisfy(reference ->
        assertThat(reference).matches("[a-z0-9.-]+/[a-z0-9./_-]+:[A-Za-z0-9._-]+@sha256:[0-9a-f]{64}"));
  }

  @Test
  void every_release_base_comes_from_ecr_public_unless_named_as_an_exception() {
    BaseImages.OFFICIAL.forEach((kind, reference) -> assertThat(reference).as(kind.name())
        .startsWith(NOT_ON_ECR_PUBLIC.getOrDefault(kind, "public.ecr.aws/")));
  }
}
