package gifmachine.cli.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gifmachine.infra.ImageName;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each image's revision is the last commit of its own sources, read from a real git checkout. */
class ImageRevisionsTest {

  static final Clock NINE = Clock.fixed(Instant.parse("2026-12-01T09:00:00Z"), ZoneOffset.UTC);

  @TempDir Path root;
  ImageRevisions revisions;

  @BeforeEach
  void checkout() throws Exception {
    git("init", "-q");
    write("gifmachine/src/main/App.java", "class App {}");
    write("csidecar/src/main/Sidecar.java", "class Sidecar {}");
    write("monitoring/prometheus/prometheus.yml", "scrape_configs: []");
    write("monitoring/grafana/dashboards/a.json", "{}");
    write("pom.xml", "<project/>");
    write(ImageSources.BUILDER_SOURCES + "/BaseImages.java", "pins");
    commit("everything");
    revisions = ImageRevisions.git(new ImageSources(root), NINE);
  }

  @Test
  void a_commit_to_one_module_moves_only_that_images_revision() throws Exception {
    ImageRevision sidecarBefore = revisions.of(ImageName.CSIDECAR);
    ImageRevision prometheusBefore = revisions.of(ImageName.PROMETHEUS);

    write("gifmachine/src/main/App.java", "class App { int x; }");
    String change = commit("app change");

    assertThat(revisions.of(ImageName.GIFMACHINE)).isEqualTo(ImageRevision.committed(change));
    assertThat(revisions.of(ImageName.CSIDECAR)).isEqualTo(sidecarBefore);
    assertThat(revisions.of(ImageName.PROMETHEUS)).isEqualTo(prometheusBefore);
  }

  @Test
  void a_test_only_change_leaves_the_image_alone() throws Exception {
    ImageRevision before = revisions.of(ImageName.GIFMACHINE);

    write("gifmachine/src/test/AppTest.java", "class AppTest {}");
    commit("a test");

    assertThat(revisions.of(ImageName.GIFMACHINE)).isEqualTo(before);
  }

  @Test
  void a_new_base_image_pin_or_dependency_version_moves_every_java_image() throws Exception {
    write(ImageSources.BUILDER_SOURCES + "/BaseImages.java", "new pins");
    String pins = commit("bump temurin");

    for (ImageName image : ImageName.values()) {
      assertThat(revisions.of(image).commit()).as(image.name()).isEqualTo(pins);
    }

    write("pom.xml", "<project><version>2</version></project>");
    String pom = commit("bump a dependency");
    assertThat(revisions.of(ImageName.CDEPOT).commit()).isEqualTo(pom);
    assertThat(revisions.of(ImageName.GRAFANA).commit()).isEqualTo(pins);
  }

  @Test
  void uncommitted_changes_get_a_tag_with_the_build_time_and_a_label_without_it() throws Exception {
    String head = revisions.of(ImageName.GRAFANA).commit();
    write("monitoring/grafana/dashboards/b.json", "{}");

    ImageRevision dirty = revisions.of(ImageName.GRAFANA);

    assertThat(dirty.reusable()).isFalse();
    assertThat(dirty.label()).isEqualTo(head + "-dirty");
    assertThat(dirty.tag(ImagePlatform.ARM64))
        .isEqualTo(head.substring(0, 12) + "-dirty-20261201T090000Z-arm64");
    assertThat(revisions.of(ImageName.PROMETHEUS).reusable()).isTrue();
  }

  @Test
  void without_git_every_image_is_an_uncommitted_unknown_build() throws Exception {
    Path plain = Files.createDirectories(root.resolve("..").resolve(root.getFileName() + "-plain"));
    ImageRevision revision = ImageRevisions.git(new ImageSources(plain), NINE).of(ImageName.CDEPOT);

    assertThat(revision).isEqualTo(ImageRevision.uncommitted("unknown", NINE.instant()));
    assertThat(revision.tag(ImagePlatform.AMD64)).isEqualTo("unknown-dirty-20261201T090000Z-amd64");
  }

  @Test
  void a_committed_tag_is_the_short_commit_and_the_architecture() {
    assertThat(ImageRevision.committed("0123456789abcdef0123").tag(ImagePlatform.AMD64))
        .isEqualTo("0123456789ab-amd64");
    assertThatThrownBy(() -> ImageRevision.committed("feature/x"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private void write(String path, String content) throws IOException {
    Path file = root.resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
  }

  private String commit(String message) throws Exception {
    git("add", "-A");
    git("-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-q", "-m", message);
    return git("rev-parse", "HEAD").strip();
  }

  private String git(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("git", "-C", root.toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor()).as(output).isZero();
    return output;
  }
}
