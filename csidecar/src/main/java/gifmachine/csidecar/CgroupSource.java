package gifmachine.csidecar;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.function.LongSupplier;

/**
 * Stats of one process's cgroup, for life outside ECS: cgroup v2 ({@code memory.current}, {@code
 * memory.stat}, {@code cpu.stat}, {@code cpu.max}) or v1 ({@code memory.usage_in_bytes}, {@code
 * cpuacct.usage}, {@code cpu.cfs_quota_us}), whichever the process is in, plus the network counters
 * of its namespace ({@code /proc/<pid>/net/dev}, loopback excluded).
 *
 * <pre>{@code
 * CSIDECAR_PID=4242 java -jar csidecar-all.jar      # watch process 4242's cgroup
 * CSIDECAR_CGROUP_PATH=/sys/fs/cgroup/system.slice/docker-abc.scope java -jar csidecar-all.jar
 * }</pre>
 *
 * <p>All paths hang off a root directory so that tests can lay out fake {@code /sys} and {@code
 * /proc} trees.
 */
public final class CgroupSource implements StatsSource {

  private static final long UNLIMITED_V1 = 1L << 60;

  /** Where a cgroup's files are. */
  sealed interface Location {
    /** The unified hierarchy: one directory with every controller's files. */
    record V2(Path dir) implements Location {}

    /** The legacy hierarchies: one directory per controller. */
    record V1(Path memory, Path cpuacct, Path cpu) implements Location {}
  }

  private record CpuReading(long usageNanos, long atNanos) {}

  private final Path root;
  private final Location location;
  private final long networkPid;
  private final String containerName;
  private final TaskIdentity identity;
  private final LongSupplier nanoClock;
  private CpuReading previous;

  CgroupSource(
      Path root,
      Location location,
      long networkPid,
      String containerName,
      TaskIdentity identity,
      LongSupplier nanoClock) {
    this.root = root;
    this.location = location;
    this.networkPid = networkPid;
    this.containerName = containerName;
    this.identity = identity;
    this.nanoClock = nanoClock;
  }

  /** The cgroup that process {@code pid} is in, read from {@code /proc/<pid>/cgroup}. */
  public static CgroupSource forPid(
      Path root, long pid, String containerName, TaskIdentity identity) throws IOException {
    return new CgroupSource(
        root, locate(root, pid), pid, containerName, identity, System::nanoTime);
  }

  /**
   * A cgroup given by path: a v2 directory (holding {@code memory.current}) or, for v1, the path
   * inside each controller's hierarchy (e.g. {@code /docker/abc}).
   */
  public static CgroupSource forPath(
      Path root, String path, String containerName, TaskIdentity identity) throws IOException {
    Path asDir = root.resolve(relative(path));
    Location location;
    if (Files.exists(asDir.resolve("memory.current"))) {
      location = new Location.V2(asDir);
    } else {
      Path cgroups = root.resolve("sys/fs/cgroup");
      location =
          new Location.V1(
              cgroups.resolve("memory").resolve(relative(path)),
              firstExisting(cgroups, path, "cpuacct", "cpu,cpuacct"),
              firstExisting(cgroups, path, "cpu", "cpu,cpuacct"));
      if (!Files.exists(((Location.V1) location).memory().resolve("memory.usage_in_bytes"))) {
        throw new IOException(
            "CSIDECAR_CGROUP_PATH: " + path + " is neither a cgroup v2 directory nor a v1 cgroup");
      }
    }
    long pid = firstPid(location).orElse(ProcessHandle.current().pid());
    return new CgroupSource(root, location, pid, containerName, identity, System::nanoTime);
  }

  static Location locate(Path root, long pid) throws IOException {
    Path cgroups = root.resolve("sys/fs/cgroup");
    List<String> lines = Files.readAllLines(root.resolve("proc/" + pid + "/cgroup"));
    String memory = null;
    String cpuacct = null;
    String cpuacctDir = "cpuacct";
    String cpu = null;
    String cpuDir = "cpu";
    for (String line : lines) {
      String[] parts = line.split(":", 3);
      if (parts.length < 3) {
        continue;
      }
      if (parts[0].equals("0") && parts[1].isEmpty()) {
        for (Path candidate :
            List.of(
                cgroups.resolve(relative(parts[2])),
                cgroups.resolve("unified").resolve(relative(parts[2])))) {
          if (Files.exists(candidate.resolve("memory.current"))) {
            return new Location.V2(candidate);
          }
        }
      }
      for (String controller : parts[1].split(",")) {
        switch (controller) {
          case "memory" -> memory = parts[2];
          case "cpuacct" -> {
            cpuacct = parts[2];
            cpuacctDir = parts[1];
          }
          case "cpu" -> {
            cpu = parts[2];
            cpuDir = parts[1];
          }
          default -> {}
        }
      }
    }
    if (memory == null || cpuacct == null) {
      throw new IOException(
          "process " + pid + ": no cgroup v2 memory controller and no v1 memory+cpuacct cgroups");
    }
    return new Location.V1(
        cgroups.resolve("memory").resolve(relative(memory)),
        existingOr(
            cgroups.resolve(cpuacctDir).resolve(relative(cpuacct)),
            cgroups.resolve("cpuacct").resolve(relative(cpuacct))),
        existingOr(
            cgroups.resolve(cpuDir).resolve(relative(cpu == null ? "/" : cpu)),
            cgroups.resolve("cpu").resolve(relative(cpu == null ? "/" : cpu))));
  }

  @Override
  public String describe() {
    return "cgroup " + location;
  }

  @Override
  public TaskSample read() throws IOException {
    long now = nanoClock.getAsLong();
    long usageNanos;
    long used;
    long limit;
    double limitCores;
    if (location instanceof Location.V2 v2) {
      usageNanos = statValue(v2.dir().resolve("cpu.stat"), "usage_usec").orElse(0L) * 1000;
      long current = readLong(v2.dir().resolve("memory.current"));
      used = current - statValue(v2.dir().resolve("memory.stat"), "inactive_file").orElse(0L);
      limit = readMax(v2.dir().resolve("memory.max")).orElse(hostMemory());
      limitCores = cpuMaxCores(v2.dir().resolve("cpu.max"));
    } else {
      Location.V1 v1 = (Location.V1) location;
      usageNanos = readLong(v1.cpuacct().resolve("cpuacct.usage"));
      long usage = readLong(v1.memory().resolve("memory.usage_in_bytes"));
      Path stat = v1.memory().resolve("memory.stat");
      used =
          usage
              - statValue(stat, "total_inactive_file")
                  .or(() -> statValueUnchecked(stat, "inactive_file"))
                  .orElse(0L);
      long v1Limit = readLong(v1.memory().resolve("memory.limit_in_bytes"));
      limit = v1Limit >= UNLIMITED_V1 ? hostMemory() : v1Limit;
      limitCores = cfsCores(v1.cpu());
    }
    OptionalDouble share = OptionalDouble.empty();
    if (previous != null && now > previous.atNanos() && usageNanos >= previous.usageNanos()) {
      double cores = (double) (usageNanos - previous.usageNanos()) / (now - previous.atNanos());
      share = OptionalDouble.of(cores / limitCores);
    }
    previous = new CpuReading(usageNanos, now);
    ContainerStats stats =
        new ContainerStats(containerName, share, Math.max(0, used), Math.max(0, limit), network());
    return new TaskSample(identity, limitCores, List.of(stats));
  }

  private Optional<ContainerStats.NetworkBytes> network() {
    Path dev = root.resolve("proc/" + networkPid + "/net/dev");
    List<String> lines;
    try {
      lines = Files.readAllLines(dev);
    } catch (IOException e) {
      return Optional.empty();
    }
    long received = 0;
    long sent = 0;
    for (String line : lines) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue; // the two header lines
      }
      if (line.substring(0, colon).strip().equals("lo")) {
        continue; // loopback is the sidecar talking to its own task, not the task's traffic
      }
      String[] fields = line.substring(colon + 1).strip().split("\\s+");
      if (fields.length >= 9) {
        received += Long.parseLong(fields[0]);
        sent += Long.parseLong(fields[8]);
      }
    }
    return Optional.of(new ContainerStats.NetworkBytes(received, sent));
  }

  private double cpuMaxCores(Path cpuMax) throws IOException {
    if (!Files.exists(cpuMax)) {
      return hostCores();
    }
    String[] parts = Files.readString(cpuMax).strip().split("\\s+");
    if (parts.length < 2 || parts[0].equals("max")) {
      return hostCores();
    }
    return Double.parseDouble(parts[0]) / Double.parseDouble(parts[1]);
  }

  private double cfsCores(Path cpuDir) throws IOException {
    Path quota = cpuDir.resolve("cpu.cfs_quota_us");
    Path period = cpuDir.resolve("cpu.cfs_period_us");
    if (!Files.exists(quota) || !Files.exists(period)) {
      return hostCores();
    }
    long q = readLong(quota);
    long p = readLong(period);
    return q <= 0 || p <= 0 ? hostCores() : (double) q / p;
  }

  private double hostCores() {
    return Runtime.getRuntime().availableProcessors();
  }

  private long hostMemory() throws IOException {
    Path meminfo = root.resolve("proc/meminfo");
    if (Files.exists(meminfo)) {
      for (String line : Files.readAllLines(meminfo)) {
        if (line.startsWith("MemTotal:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    }
    return Runtime.getRuntime().maxMemory();
  }

  private static Optional<Long> readMax(Path file) throws IOException {
    String value = Files.readString(file).strip();
    return value.equals("max") ? Optional.empty() : Optional.of(Long.parseLong(value));
  }

  private static long readLong(Path file) throws IOException {
    return Long.parseLong(Files.readString(file).strip());
  }

  private static Optional<Long> statValue(Path file, String key) throws IOException {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    for (String line : Files.readAllLines(file)) {
      int space = line.indexOf(' ');
      if (space > 0 && line.substring(0, space).equals(key)) {
        return Optional.of(Long.parseLong(line.substring(space + 1).strip()));
      }
    }
    return Optional.empty();
  }

  private static Optional<Long> statValueUnchecked(Path file, String key) {
    try {
      return statValue(file, key);
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static Optional<Long> firstPid(Location location) {
    Path procs =
        location instanceof Location.V2 v2
            ? v2.dir().resolve("cgroup.procs")
            : ((Location.V1) location).memory().resolve("cgroup.procs");
    try {
      return Files.readAllLines(procs).stream()
          .filter(l -> !l.isBlank())
          .findFirst()
          .map(l -> Long.parseLong(l.strip()));
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static Path firstExisting(Path cgroups, String path, String... dirs) {
    for (String dir : dirs) {
      Path candidate = cgroups.resolve(dir).resolve(relative(path));
      if (Files.exists(candidate)) {
        return candidate;
      }
    }
    return cgroups.resolve(dirs[0]).resolve(relative(path));
  }

  private static Path existingOr(Path preferred, Path fallback) {
    return Files.exists(preferred) ? preferred : fallback;
  }

  private static String relative(String path) {
    String stripped = path.replaceFirst("^/+", "");
    return stripped.isEmpty() ? "." : stripped;
  }
}
