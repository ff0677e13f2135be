package gifmachine.cdepot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class FileSdTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<TargetGroup> ONE =
      List.of(new TargetGroup(new TargetLabels("c", "f", "t1", "main"), List.of("10.0.0.1:8080")));
  private static final List<TargetGroup> NONE = List.of();

  @TempDir Path dir;

  private Object inode(Path file) throws IOException {
    return Files.readAttributes(file, BasicFileAttributes.class).fileKey();
  }

  @Test
  void the_file_is_readable_by_everyone_and_replaced_by_a_rename() throws Exception {
    Path file = dir.resolve("targets.json");
    FileSd fileSd = new FileSd(file, JSON);

    fileSd.write(ONE);
    Object first = inode(file);
    fileSd.write(NONE);

    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-r--r--");
    assertThat(inode(file)).isNotEqualTo(first);
    assertThat(Files.readString(file)).isEqualTo("[]");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(file);
    }
  }

  /**
   * What the JDK raises when {@code rename(2)} fails: EBUSY for a bind-mounted single file (how the
   * earlier project's compose file mounted targets.json) and EXDEV across file systems.
   */
  static Stream<Arguments> failedRenames() {
    return Stream.of(
        Arguments.of(
            "EBUSY, a bind-mounted file",
            (FileSd.Replace)
                (temp, target) -> {
                  throw new FileSystemException(
                      temp.toString(), target.toString(), "Device or resource busy");
                }),
        Arguments.of(
            "EXDEV, another file system",
            (FileSd.Replace)
                (temp, target) -> {
                  throw new AtomicMoveNotSupportedException(
                      temp.toString(), target.toString(), "Invalid cross-device link");
                }));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("failedRenames")
  void where_the_rename_fails_the_existing_file_is_written_in_place(
      String why, FileSd.Replace failing) throws Exception {
    Path file = dir.resolve("targets.json");
    Files.writeString(file, "[" + " ".repeat(500) + "]");
    Object mounted = inode(file);
    FileSd fileSd = new FileSd(file, JSON, failing);

    fileSd.write(ONE);

    assertThat(inode(file)).isEqualTo(mounted);
    assertThat(JSON.readTree(file.toFile())).isEqualTo(JSON.valueToTree(ONE));
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).containsExactly(file);
    }
    fileSd.write(NONE);
    assertThat(Files.readString(file)).isEqualTo("[]");
    assertThat(inode(file)).isEqualTo(mounted);
  }

  @Test
  void a_failed_rename_without_a_file_to_write_into_is_reported() {
    Path file = dir.resolve("targets.json");
    FileSd fileSd =
        new FileSd(
            file,
            JSON,
            (temp, target) -> {
              throw new FileSystemException(
                  temp.toString(), target.toString(), "Device or resource busy");
            });

    assertThatThrownBy(() -> fileSd.write(ONE))
        .isInstanceOf(FileSystemException.class)
        .hasMessageContaining("Device or resource busy");
    assertThat(file).doesNotExist();
  }

  @Test
  void what_was_written_in_place_is_read_back() throws Exception {
    Path file = dir.resolve("targets.json");
    Files.writeString(file, "[]");
    FileSd fileSd =
        new FileSd(
            file,
            JSON,
            (temp, target) -> {
              throw new FileSystemException(
                  temp.toString(), target.toString(), "Device or resource busy");
            });

    fileSd.write(ONE);

    assertThat(fileSd.read()).extracting(Heartbeat::localIP).containsExactly("10.0.0.1:8080");
  }
}
