package gifmachine.csidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EcsMetadataSourceIT {

  private final FakeEcsMetadata metadata = new FakeEcsMetadata();
  private final EcsMetadataSource source = new EcsMetadataSource(metadata.endpoint(), "");

  EcsMetadataSourceIT() throws IOException {}

  @AfterEach
  void stop() {
    metadata.close();
  }

  private Map<String, ContainerStats> read() throws Exception {
    return source.read().containers().stream()
        .collect(Collectors.toMap(ContainerStats::name, Function.identity()));
  }

  @Test
  void the_task_identity_comes_from_the_arns_and_the_first_network() throws Exception {
    metadata.serve("task.json", "stats-second.json");

    TaskSample sample = source.read();

    assertThat(sample.identity())
        .isEqualTo(
            new TaskIdentity(
                "prod-dundermiff",
                "4d1f2a3b5c6d7e8f9a0b1c2d3e4f5a6b",
                "prod-dundermiff-gifmachine",
                "10.0.1.23"));
    assertThat(sample.cpuLimitCores()).isEqualTo(0.5);
  }

  @Test
  void cpu_is_a_share_of_the_task_limit_from_the_agents_two_samples() throws Exception {
    metadata.serve("task.json", "stats-second.json");

    Map<String, ContainerStats> containers = read();

    // 2.5 s of CPU over 20 s of system time on 2 CPUs = 0.25 cores = half of 0.5 vCPU.
    assertThat(containers.get("gifmachine").cpuShare().getAsDouble()).isCloseTo(0.5, within(1e-9));
    assertThat(containers.get("csidecar").cpuShare().getAsDouble()).isCloseTo(0.04, within(1e-9));
  }

  @Test
  void the_first_sample_without_a_previous_one_has_no_cpu_value() throws Exception {
    metadata.serve("task.json", "stats-first.json");

    assertThat(read().get("gifmachine").cpuShare()).isEmpty();
  }

  @Test
  void memory_is_usage_less_inactive_file_against_the_container_limit_on_cgroup_v2()
      throws Exception {
    metadata.serve("task.json", "stats-second.json");

    ContainerStats app = read().get("gifmachine");

    assertThat(app.memoryUsedBytes()).isEqualTo(402_653_184L - 100_000_000L);
    assertThat(app.memoryLimitBytes()).isEqualTo(768L * 1024 * 1024);
  }

  @Test
  void memory_uses_total_inactive_file_on_cgroup_v1() throws Exception {
    metadata.serve("task.json", "stats-cgroup-v1.json");

    assertThat(read().get("gifmachine").memoryUsedBytes()).isEqualTo(402_653_184L - 100_000_000L);
  }

  @Test
  void network_bytes_are_summed_over_the_interfaces() throws Exception {
    metadata.serve("task.json", "stats-second.json");

    assertThat(read().get("gifmachine").network())
        .hasValue(new ContainerStats.NetworkBytes(15_000, 26_000));
  }

  @Test
  void a_missing_network_section_gives_no_network_numbers() throws Exception {
    metadata.serve("task.json", "stats-no-network.json");

    assertThat(read().get("gifmachine").network()).isEmpty();
  }

  @Test
  void a_restarted_container_is_read_under_its_name_and_the_stopped_one_is_skipped()
      throws Exception {
    metadata.serve("task-restarted.json", "stats-restarted.json");

    Map<String, ContainerStats> containers = read();

    assertThat(containers).containsOnlyKeys("gifmachine", "csidecar");
    assertThat(containers.get("gifmachine").cpuShare()).isEmpty();
    assertThat(containers.get("gifmachine").network())
        .hasValue(new ContainerStats.NetworkBytes(1_000, 2_000));
  }

  @Test
  void an_endpoint_that_is_not_ready_is_an_error_not_a_sample() {
    metadata.failWith(503);

    assertThatThrownBy(source::read).isInstanceOf(IOException.class).hasMessageContaining("503");
  }
}
