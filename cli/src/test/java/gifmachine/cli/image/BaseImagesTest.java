package gifmachine.cli.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class BaseImagesTest {

  /** name:tag@sha256:64 hex digits: the tag for the reader, the digest for the machine. */
  private static final Pattern PINNED =
      Pattern.compile("[a-z0-9./-]+:([A-Za-z0-9._-]+)@sha256:[0-9a-f]{64}");

  @Test
  void every_official_base_is_pinned_by_a_sha256_digest_behind_a_readable_tag() {
    assertThat(BaseImages.OFFICIAL).containsOnlyKeys(BaseImage.values());
    BaseImages.OFFICIAL.forEach(
        (kind, reference) -> assertThat(reference).as(kind.name()).matches(PINNED));
  }

  @Test
  void the_java_base_runs_the_java_version_the_tests_run_on() throws IOException {
    // scripts/java-home picks the JDK the tests run on; the images must ship the same major.
    String javaHome = Files.readString(repositoryRoot().resolve("scripts/java-home"));
    Matcher runtime = Pattern.compile("(?m)^JAVA_RUNTIME_MAJOR=(\\d+)$").matcher(javaHome);
    assertThat(runtime.find()).as("JAVA_RUNTIME_MAJOR in scripts/java-home").isTrue();
    Matcher tag = PINNED.matcher(BaseImages.OFFICIAL.get(BaseImage.JAVA));
    assertThat(tag.matches()).isTrue();
    assertThat(tag.group(1)).startsWith(runtime.group(1) + "-jre");
  }

  private static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.exists(dir.resolve("scripts/java-home"))) {
      dir = dir.getParent();
    }
    assertThat(dir)
        .as("a directory above the working directory with scripts/java-home")
        .isNotNull();
    return dir;
  }

  /**
   * Bases that cannot come from ECR Public, each with its registry: Prometheus from its project's
   * own Quay repository, Grafana from Docker Hub (no official Grafana image on ECR Public:
   * docs/images.md, Known limits).
   */
  private static final Map<BaseImage, String> NOT_ON_ECR_PUBLIC =
      Map.of(
          BaseImage.PROMETHEUS, "quay.io/prometheus/",
          BaseImage.GRAFANA, "docker.io/grafana/");

  @Test
  void every_release_base_comes_from_ecr_public_unless_named_as_an_exception() {
    BaseImages.OFFICIAL.forEach(
        (kind, reference) ->
            assertThat(reference)
                .as(kind.name())
                .startsWith(NOT_ON_ECR_PUBLIC.getOrDefault(kind, "public.ecr.aws/")));
  }
}
