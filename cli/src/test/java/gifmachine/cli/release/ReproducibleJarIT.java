package gifmachine.cli.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The runnable jar this module's {@code package} phase just built (failsafe runs after it) carries
 * no trace of the build's time: every entry the build wrote (our classes from every module, the
 * manifest) has the root pom's {@code project.build.outputTimestamp}; the dependencies' entries
 * keep the times inside their released jars. With the shade plugin's fixed entry order, two builds
 * of one commit are byte-identical. Reading one jar's entries is cheap; building twice is not.
 */
class ReproducibleJarIT {

  @Test
  void every_entry_the_build_wrote_into_the_runnable_jar_has_the_fixed_output_timestamp()
      throws IOException {
    Path root = Path.of("").toAbsolutePath().getParent();
    Matcher property =
        Pattern.compile("<project\\.build\\.outputTimestamp>([^<]+)</")
            .matcher(Files.readString(root.resolve("pom.xml")));
    assertThat(property.find()).as("project.build.outputTimestamp in the root pom").isTrue();
    Instant fixed = Instant.parse(property.group(1));
    Path jar;
    try (Stream<Path> built = Files.list(Path.of("target"))) {
      jar =
          built
              .filter(p -> p.getFileName().toString().endsWith("-all.jar"))
              .findFirst()
              .orElseThrow();
    }

    List<String> stamped = new ArrayList<>();
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      List<? extends ZipEntry> ours =
          zip.stream()
              .filter(
                  entry ->
                      entry.getName().startsWith("gifmachine/")
                          || entry.getName().equals("META-INF/MANIFEST.MF"))
              .toList();
      assertThat(ours.stream().map(ZipEntry::getName).toList())
          .contains(
              "META-INF/MANIFEST.MF",
              "gifmachine/cli/Main.class",
              "gifmachine/app/Main.class",
              "gifmachine/infra/ImageName.class");
      for (ZipEntry entry : ours) {
        if (!entry.getLastModifiedTime().toInstant().equals(fixed)) {
          stamped.add(entry.getName() + " " + entry.getLastModifiedTime());
        }
      }
    }
    assertThat(stamped).as("entries with another time than %s", fixed).isEmpty();
  }
}
