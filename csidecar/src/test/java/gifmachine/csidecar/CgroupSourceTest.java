package gifmachine.csidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupSourceTest {

  private static final TaskIdentity LOCAL =
      new TaskIdentity("local", "local-42", "gifmachine", "127.0.0.1");
  private static final String NET_DEV =
      """
      Inter-|   Receive                                                |  Transmit
       face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
          lo:  999999      29    0    0    0     0          0         0   999999      29    0    0    0     0       0          0
        eth0:    5000      40    0    0    0     0          0         0     7000      30    0    0    0     0       0          0
        eth1:     100       1    0    0    0     0          0         0      200       2    0    0    0     0       0          0
      """;

  @TempDir Path root;
  private final AtomicLong clock = new AtomicLong(1_000_000_000L);

  private void write(String path, String content) throws IOException {
    Path file = root.resolve(path);
    Files.createDirectories(file.getParent());
    Files.writeString(file, content);
  }

  private CgroupSource source() throws IOException {
    return new CgroupSource(
        root, CgroupSource.locate(root, 42), 42, "gifmachine", LOCAL, clock::get);
  }

  @Test
  void a_cgroup_v2_process_is_read_from_the_unified_hierarchy() throws Exception {
    write("proc/42/cgroup", "0::/system.slice/gifmachine.service\n");
    write("proc/42/net/dev", NET_DEV);
    String dir = "sys/fs/cgroup/system.slice/gifmachine.service/";
    write(dir + "memory.current", "524288000\n");
    write(dir + "memory.max", "1073741824\n");
    write(
        dir + "memory.stat",
        "anon 300000000\nfile 224288000\ninactive_file 124288000\nactive_file 100000000\n");
    write(dir + "cpu.max", "50000 100000\n");
    write(dir + "cpu.stat", "usage_usec 2000000\nuser_usec 1500000\nsystem_usec 500000\n");
    CgroupSource source = source();

    TaskSample first = source.read();
    write(dir + "cpu.stat", "usage_usec 2250000\nuser_usec 1700000\nsystem_usec 550000\n");
    clock.addAndGet(1_000_000_000L);
    ContainerStats second = source.read().containers().get(0);

    assertThat(first.containers().get(0).cpuShare()).isEmpty();
    assertThat(first.cpuLimitCores()).isEqualTo(0.5);
    // 0.25 s of CPU in 1 s = 0.25 cores = half of the 0.5-core quota.
    assertThat(second.cpuShare().getAsDouble()).isCloseTo(0.5, within(1e-9));
    assertThat(second.memoryUsedBytes()).isEqualTo(524_288_000L - 124_288_000L);
    assertThat(second.memoryLimitBytes()).isEqualTo(1_073_741_824L);
    assertThat(second.network()).hasValue(new ContainerStats.NetworkBytes(5100, 7200));
    assertThat(second.name()).isEqualTo("gifmachine");
  }

  @Test
  void a_cgroup_v1_process_is_read_from_the_memory_and_cpuacct_hierarchies() throws Exception {
    write(
        "proc/42/cgroup",
        """
        9:name=systemd:/
        4:memory:/docker/abc
        2:cpu,cpuacct:/docker/abc
        0::/
        """);
    write("proc/meminfo", "MemTotal:       2048000 kB\nMemFree:  1 kB\n");
    write("sys/fs/cgroup/memory/docker/abc/memory.usage_in_bytes", "400000000\n");
    write("sys/fs/cgroup/memory/docker/abc/memory.limit_in_bytes", "9223372036854771712\n");
    write(
        "sys/fs/cgroup/memory/docker/abc/memory.stat",
        "cache 150000000\ninactive_file 1\ntotal_inactive_file 100000000\n");
    write("sys/fs/cgroup/cpu,cpuacct/docker/abc/cpuacct.usage", "5000000000\n");
    write("sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_quota_us", "-1\n");
    write("sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_period_us", "100000\n");
    CgroupSource source = source();

    source.read();
    write("sys/fs/cgroup/cpu,cpuacct/docker/abc/cpuacct.usage", "5500000000\n");
    clock.addAndGet(2_000_000_000L);
    TaskSample sample = source.read();
    ContainerStats stats = sample.containers().get(0);

    double cores = Runtime.getRuntime().availableProcessors();
    assertThat(sample.cpuLimitCores()).isEqualTo(cores);
    assertThat(stats.cpuShare().getAsDouble()).isCloseTo(0.25 / cores, within(1e-9));
    assertThat(stats.memoryUsedBytes()).isEqualTo(300_000_000L);
    assertThat(stats.memoryLimitBytes())
        .as("no limit: the host's memory")
        .isEqualTo(2_048_000L * 1024);
    assertThat(stats.network()).as("no net/dev file").isEmpty();
  }

  @Test
  void a_process_without_usable_cgroups_is_a_clear_error() throws Exception {
    write("proc/42/cgroup", "0::/\n");

    assertThatThrownBy(this::source)
        .isInstanceOf(IOException.class)
        .hasMessageContaining("process 42: no cgroup v2 memory controller");
  }

  @Test
  void this_machines_own_cgroup_is_readable() throws Exception {
    long pid = ProcessHandle.current().pid();
    CgroupSource source = CgroupSource.forPid(Path.of("/"), pid, "self", LOCAL);

    source.read();
    ContainerStats stats = source.read().containers().get(0);

    assertThat(stats.memoryUsedBytes()).isPositive();
    assertThat(stats.memoryLimitBytes()).isGreaterThanOrEqualTo(stats.memoryUsedBytes());
    assertThat(stats.cpuShare()).isPresent();
  }
}
