package gifmachine.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gifmachine.infra.ImageSet;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PushedImagesTest {

  static final String PREFIX = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/prod-acme/";
  static final ImageSet REPOSITORIES = ImageSet.of(image -> PREFIX + image.repositoryName());
  static final String DIGEST = "@sha256:" + "ab".repeat(32);

  @TempDir Path directory;

  /** What {@code images push --output json} prints, with {@code grafana} in {@code repository}. */
  static String pushed(String platform, String grafanaRepository, String grafanaReference) {
    StringBuilder images = new StringBuilder();
    for (String name : new String[] {"gifmachine", "csidecar", "cdepot", "prometheus"}) {
      images
          .append("\"")
          .append(name)
          .append("\":{\"repository\":\"")
          .append(PREFIX)
          .append(name)
          .append("\",\"digest\":\"sha256:ab\",\"reference\":\"")
          .append(PREFIX)
          .append(name)
          .append(DIGEST)
          .append("\",\"layersPushed\":true,\"tags\":[\"f00d-arm64\"]},");
    }
    images
        .append("\"grafana\":{\"repository\":\"")
        .append(grafanaRepository)
        .append("\",\"reference\":\"")
        .append(grafanaReference)
        .append("\"}");
    return "{\"platform\":\"" + platform + "\",\"images\":{" + images + "}}";
  }

  private ImageSet publish(String content, boolean arm64) throws Exception {
    Path file = Files.writeString(directory.resolve("images.json"), content);
    return new PushedImages(file).publish(REPOSITORIES, null, arm64, event -> {});
  }

  @Test
  void the_images_the_build_pushed_are_deployed_by_digest() throws Exception {
    ImageSet images =
        publish(pushed("linux/arm64", PREFIX + "grafana", PREFIX + "grafana" + DIGEST), true);

    assertThat(images).isEqualTo(ImageSet.of(image -> PREFIX + image.repositoryName() + DIGEST));
  }

  static Stream<Arguments> refused() {
    return Stream.of(
        Arguments.of(
            "built for the other architecture",
            pushed("linux/amd64", PREFIX + "grafana", PREFIX + "grafana" + DIGEST),
            "built for linux/amd64, the deployment runs linux/arm64"),
        Arguments.of(
            "another deployment's repository",
            pushed(
                "linux/arm64",
                "1.dkr.ecr.eu-west-1.amazonaws.com/other/grafana",
                "1.dkr.ecr.eu-west-1.amazonaws.com/other/grafana" + DIGEST),
            "is not a digest in this deployment's repository " + PREFIX + "grafana"),
        Arguments.of(
            "a tag, not a digest",
            pushed("linux/arm64", PREFIX + "grafana", PREFIX + "grafana:latest"),
            "its grafana image " + PREFIX + "grafana:latest is not a digest"),
        Arguments.of(
            "an image missing",
            "{\"platform\":\"linux/arm64\",\"images\":{}}",
            "has no gifmachine image"),
        Arguments.of("not JSON", "images: pushed", "cannot be read as JSON"),
        Arguments.of(
            "too large", " ".repeat((int) PushedImages.MAX_BYTES + 1), "is over 65536 bytes"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void a_file_that_is_not_this_deployments_push_is_refused_before_any_stack_changes(
      String what, String content, String why) {
    assertThatThrownBy(() -> publish(content, true))
        .isInstanceOfSatisfying(
            DeploymentException.class,
            e -> {
              assertThat(e.exit()).isEqualTo(DeploymentException.Exit.CONFIG);
              assertThat(e.hint()).contains("images push --output json");
            })
        .hasMessageContaining(why);
  }
}
