package gifmachine.cli.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gifmachine.infra.ImageName;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ImageSourcesTest {

  @TempDir Path root;

  @Test
  void jvm_flags_are_read_one_a_line_without_comments_and_blank_lines() throws Exception {
    Files.createDirectories(root.resolve("cdepot"));
    Files.writeString(
        root.resolve("cdepot/jvm-flags.txt"),
        "# sized for 256 MB\n-Xss512k\n\n  -XX:+UseSerialGC # gc\n");

    assertThat(new ImageSources(root).jvmFlags(ImageName.CDEPOT))
        .containsExactly("-Xss512k", "-XX:+UseSerialGC");
  }

  @Test
  void without_a_flags_file_the_heap_is_sized_from_the_container() throws Exception {
    assertThat(new ImageSources(root).jvmFlags(ImageName.CSIDECAR))
        .containsExactly("-XX:MaxRAMPercentage=75");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Xmx1g", "-Xmx1g -Xss1m", "java"})
  void a_line_that_is_not_one_flag_is_refused(String line) throws Exception {
    Files.createDirectories(root.resolve("gifmachine"));
    Files.writeString(root.resolve("gifmachine/jvm-flags.txt"), line + "\n");

    assertThatThrownBy(() -> new ImageSources(root).jvmFlags(ImageName.GIFMACHINE))
        .isInstanceOf(ImagePublishException.class)
        .hasMessageStartingWith(
            "reading gifmachine/jvm-flags.txt failed: '" + line + "' is not one JVM flag");
  }

  @Test
  void missing_monitoring_files_name_the_path() {
    assertThatThrownBy(() -> new ImageSources(root).check(ImageName.GRAFANA))
        .isInstanceOf(ImagePublishException.class)
        .hasMessageContaining("building the grafana image failed: ")
        .hasMessageContaining("monitoring/grafana/provisioning does not exist");
  }

  @Test
  void the_jar_paths_follow_the_module_layout() {
    ImageSources sources = new ImageSources(root);
    assertThat(sources.fatJar(ImageName.CDEPOT))
        .isEqualTo(root.resolve("cdepot/target/cdepot-0.1.0-SNAPSHOT-all.jar"));
    assertThat(sources.thinJar(ImageName.CDEPOT))
        .isEqualTo(root.resolve("cdepot/target/cdepot-0.1.0-SNAPSHOT.jar"));
  }

  @Test
  void this_checkouts_flag_files_and_monitoring_files_are_usable() throws Exception {
    ImageSources checkout = new ImageSources(Path.of("").toAbsolutePath().getParent());

    for (ImageName image :
        new ImageName[] {ImageName.GIFMACHINE, ImageName.CSIDECAR, ImageName.CDEPOT}) {
      assertThat(checkout.jvmFlags(image)).isNotEmpty().allMatch(flag -> flag.startsWith("-"));
    }
    checkout.check(ImageName.PROMETHEUS);
    checkout.check(ImageName.GRAFANA);
    assertThat(checkout.prometheusDirectory().resolve("prometheus.yml")).isRegularFile();
  }
}
