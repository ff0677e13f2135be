package gifmachine.cdepot;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Prometheus {@code file_sd} file in the original cDepot's shape, readable by everyone (0644,
 * as the original's {@code os.Create} made it: Prometheus usually runs as another user). Written to
 * a temporary file beside it and renamed over it, so Prometheus never reads half a file; where that
 * rename is impossible (the file is a bind-mounted single file: {@code rename(2)} fails with EBUSY;
 * or the directory is not writable) it is written in place instead, from then on. Read back at
 * start so a restarted cDepot does not make Prometheus drop every target for a heartbeat period.
 */
final class FileSd {

  private static final Logger logger = LoggerFactory.getLogger(FileSd.class);
  private static final TypeReference<List<TargetGroup>> GROUPS = new TypeReference<>() {};
  private static final Set<PosixFilePermission> READABLE_BY_ALL =
      PosixFilePermissions.fromString("rw-r--r--");

  /** Puts the finished temporary file in the target's place: a rename, or a test's stand-in. */
  @FunctionalInterface
  interface Replace {
    void replace(Path temp, Path target) throws IOException;
  }

  private final Path path;
  private final ObjectMapper json;
  private final Replace replace;
  private volatile boolean inPlace;

  FileSd(Path path, ObjectMapper json) {
    this(
        path,
        json,
        (temp, target) ->
            Files.move(
                temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE));
  }

  FileSd(Path path, ObjectMapper json, Replace replace) {
    this.path = path;
    this.json = json;
    this.replace = replace;
  }

  void write(List<TargetGroup> groups) throws IOException {
    byte[] content = json.writeValueAsBytes(groups);
    if (inPlace) {
      writeInPlace(content);
      return;
    }
    try {
      writeAndRename(content);
    } catch (FileSystemException e) {
      // EBUSY (a bind-mounted file), EXDEV, EACCES on the directory: the JDK reports each as a
      // FileSystemException. Only an existing file can be written in place.
      if (!Files.isRegularFile(path)) {
        throw e;
      }
      logger.warn(
          "cannot replace {} by a rename ({}): writing it in place from now on",
          path,
          e.getReason() == null ? e.toString() : e.getReason());
      inPlace = true;
      writeInPlace(content);
    }
  }

  private void writeAndRename(byte[] content) throws IOException {
    Path dir = path.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path temp = Files.createTempFile(dir, "." + path.getFileName(), ".tmp");
    try {
      Files.write(temp, content);
      // createTempFile makes 0600 and the umask may narrow a requested mode: set it afterwards.
      Files.setPosixFilePermissions(temp, READABLE_BY_ALL);
      replace.replace(temp, path);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * Overwrites from the start, then cuts the old tail: a reader may see a mix but never an empty
   * file. Prometheus keeps a file's previous targets when it cannot parse it and reads it again on
   * the next change (discovery/file/file.go, {@code refresh}), so a torn read costs nothing.
   */
  private void writeInPlace(byte[] content) throws IOException {
    try (FileChannel file = FileChannel.open(path, StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.wrap(content);
      while (buffer.hasRemaining()) {
        file.write(buffer, buffer.position());
      }
      file.truncate(content.length);
    }
  }

  /**
   * The heartbeats the last file describes: its first target is the sidecar's {@code localIP}. A
   * missing file is an empty list; entries that fail validation are skipped.
   */
  List<Heartbeat> read() throws IOException {
    List<TargetGroup> groups;
    try {
      groups = json.readValue(Files.readAllBytes(path), GROUPS);
    } catch (NoSuchFileException e) {
      return List.of();
    }
    List<Heartbeat> heartbeats = new ArrayList<>();
    for (TargetGroup group : groups) {
      if (group == null || group.labels() == null || group.targets().isEmpty()) {
        continue;
      }
      try {
        for (String target : group.targets()) {
          HeartbeatParser.address("targets", target);
        }
      } catch (HeartbeatParser.InvalidHeartbeat e) {
        continue;
      }
      TargetLabels l = group.labels();
      heartbeats.add(
          new Heartbeat(
              orEmpty(l.cluster()),
              orEmpty(l.function()),
              orEmpty(l.taskID()),
              group.targets().get(0),
              "",
              orEmpty(l.gitBranch()),
              group.targets()));
    }
    return heartbeats;
  }

  private static String orEmpty(String value) {
    return value == null ? "" : value;
  }

  Path path() {
    return path;
  }
}
