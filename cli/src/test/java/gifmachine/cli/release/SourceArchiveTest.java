package gifmachine.cli.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gifmachine.cli.deploy.DeploymentException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** source.zip from a real git repository: modes kept, uncommitted changes refused or included. */
class SourceArchiveTest {
  @TempDir Path dir;
  Path repo;

  @BeforeEach
  void repository() throws Exception {
    repo = Files.createDirectories(dir.resolve("repo"));
    git("init", "-q");
    git("config", "user.email", "t@example.com");
    git("config", "user.name", "t");
    Files.writeString(repo.resolve("mvnw"), "#!/bin/sh\necho build\n");
    Files.setPosixFilePermissions(
        repo.resolve("mvnw"), PosixFilePermissions.fromString("rwxr-xr-x"));
    Files.createDirectories(repo.resolve("cli"));
    Files.writeString(repo.resolve("cli/pom.xml"), "<project/>\n");
    git("add", ".");
    git("commit", "-q", "-m", "first");
  }

  @Test
  void the_archive_keeps_unix_modes_so_mvnw_stays_executable() throws Exception {
    Path zip = dir.resolve("source.zip");

    SourceArchive.Archive archive = SourceArchive.create(repo, false, zip);

    Map<String, Integer> modes = unixModes(zip);
    assertThat(modes.get("mvnw")).isEqualTo(0100755);
    // git writes other files without a Unix mode (made by MS-DOS): unzip gives them its default,
    // which is not executable.
    assertThat(modes.get("cli/pom.xml") & 0111).isZero();
    assertThat(archive.commit()).matches("[0-9a-f]{40}");
    assertThat(archive.uncommitted()).isEmpty();
  }

  @Test
  void from_a_subdirectory_the_whole_committed_tree_is_archived() throws Exception {
    Path zip = dir.resolve("source.zip");

    SourceArchive.create(repo.resolve("cli"), false, zip);

    assertThat(unixModes(zip)).containsKeys("mvnw", "cli/pom.xml");
  }

  @Test
  void uncommitted_changes_are_refused_with_what_to_do() throws Exception {
    Files.writeString(repo.resolve("cli/pom.xml"), "<project>changed</project>\n");

    assertThatThrownBy(() -> SourceArchive.create(repo, false, dir.resolve("source.zip")))
        .isInstanceOf(DeploymentException.class)
        .hasMessage("release: the working copy has uncommitted changes: cli/pom.xml")
        .satisfies(e -> assertThat(((DeploymentException) e).hint()).contains("--allow-dirty"));
    assertThat(dir.resolve("source.zip")).doesNotExist();
  }

  @Test
  void allowed_uncommitted_changes_are_included_and_named_untracked_files_are_not()
      throws Exception {
    Files.writeString(repo.resolve("cli/pom.xml"), "<project>changed</project>\n");
    Files.writeString(repo.resolve("notes.txt"), "scratch\n");
    Path zip = dir.resolve("source.zip");

    SourceArchive.Archive archive = SourceArchive.create(repo, true, zip);

    assertThat(archive.uncommitted()).containsExactly("cli/pom.xml");
    try (ZipFile file = new ZipFile(zip.toFile())) {
      assertThat(
              new String(
                  file.getInputStream(file.getEntry("cli/pom.xml")).readAllBytes(),
                  StandardCharsets.UTF_8))
          .isEqualTo("<project>changed</project>\n");
      assertThat(file.getEntry("notes.txt")).isNull();
    }
    assertThat(unixModes(zip).get("mvnw")).isEqualTo(0100755);
    // The working copy and the stash are left as they were.
    assertThat(git("stash", "list")).isEmpty();
    assertThat(Files.readString(repo.resolve("cli/pom.xml"))).contains("changed");
  }

  @Test
  void outside_a_git_working_copy_it_says_so() throws IOException {
    Path plain = Files.createDirectories(dir.resolve("plain"));

    assertThatThrownBy(() -> SourceArchive.create(plain, false, dir.resolve("source.zip")))
        .isInstanceOf(DeploymentException.class)
        .hasMessageStartingWith("release: git rev-parse failed: ");
  }

  /**
   * Each entry's Unix mode from the zip's central directory (external attributes, high 16 bits, for
   * entries made by Unix; 0 for others), read by hand: java.util.zip does not expose them.
   */
  static Map<String, Integer> unixModes(Path zip) throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(zip)).order(ByteOrder.LITTLE_ENDIAN);
    int end = bytes.limit() - 22;
    while (end >= 0 && bytes.getInt(end) != 0x06054b50) {
      end--;
    }
    assertThat(end).as("end of central directory").isNotNegative();
    int entries = Short.toUnsignedInt(bytes.getShort(end + 10));
    int offset = bytes.getInt(end + 16);
    Map<String, Integer> modes = new LinkedHashMap<>();
    for (int i = 0; i < entries; i++) {
      assertThat(bytes.getInt(offset)).isEqualTo(0x02014b50);
      int madeBy = Short.toUnsignedInt(bytes.getShort(offset + 4)) >> 8;
      int nameLength = Short.toUnsignedInt(bytes.getShort(offset + 28));
      int extraLength = Short.toUnsignedInt(bytes.getShort(offset + 30));
      int commentLength = Short.toUnsignedInt(bytes.getShort(offset + 32));
      int external = bytes.getInt(offset + 38);
      byte[] name = new byte[nameLength];
      bytes.get(offset + 46, name);
      modes.put(new String(name, StandardCharsets.UTF_8), madeBy == 3 ? external >>> 16 : 0);
      offset += 46 + nameLength + extraLength + commentLength;
    }
    return modes;
  }

  private String git(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("git", "-C", repo.toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor()).as(output).isZero();
    return output.strip();
  }
}
