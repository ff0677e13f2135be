package gifmachine.cdepot;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The Prometheus {@code file_sd} file in the original cDepot's shape. Written to a temporary file
 * beside it and renamed over it, so Prometheus never reads half a file; read back at start so a
 * restarted cDepot does not make Prometheus drop every target for a heartbeat period.
 */
final class FileSd {

  private static final TypeReference<List<TargetGroup>> GROUPS = new TypeReference<>() {};

  private final Path path;
  private final ObjectMapper json;

  FileSd(Path path, ObjectMapper json) {
    this.path = path;
    this.json = json;
  }

  void write(List<TargetGroup> groups) throws IOException {
    Path dir = path.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path temp = Files.createTempFile(dir, "." + path.getFileName(), ".tmp");
    try {
      json.writeValue(temp.toFile(), groups);
      Files.move(temp, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /**
   * The heartbeats the last file describes: its first target is the sidecar's {@code localIP}.
   * A missing file is an empty list; entries that fail validation are skipped.
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
              orEmpty(l.cluster()), orEmpty(l.function()), orEmpty(l.taskID()),
              group.targets().get(0), "", orEmpty(l.gitBranch()), group.targets()));
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
