package gifmachine.csidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class TaskMetricsTest {

  private static final TaskIdentity TASK = new TaskIdentity("c", "t", "gifmachine", "10.0.0.1");
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final TaskMetrics metrics = new TaskMetrics(registry);

  private String exposition() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrometheusTextFormatWriter.create().write(out, registry.scrape());
    return out.toString(StandardCharsets.UTF_8);
  }

  private static TaskSample sample(OptionalDouble cpu, long rx, long tx) {
    return new TaskSample(
        TASK,
        0.5,
        List.of(
            new ContainerStats(
                "gifmachine",
                cpu,
                300,
                1200,
                Optional.of(new ContainerStats.NetworkBytes(rx, tx)))));
  }

  @Test
  void a_sample_is_exposed_with_one_series_per_container_and_no_identity_labels() throws Exception {
    metrics.update(sample(OptionalDouble.of(0.25), 1000, 2000));

    assertThat(exposition())
        .isEqualTo(
            """
        # HELP csidecar_cpu_utilization_ratio CPU used by the container as a share of the task's CPU limit (1 = the whole limit)
        # TYPE csidecar_cpu_utilization_ratio gauge
        csidecar_cpu_utilization_ratio{container="gifmachine"} 0.25
        # HELP csidecar_memory_limit_bytes The memory limit that applies to the container
        # TYPE csidecar_memory_limit_bytes gauge
        csidecar_memory_limit_bytes{container="gifmachine"} 1200.0
        # HELP csidecar_memory_usage_bytes Memory used by the container, less the reclaimable page cache
        # TYPE csidecar_memory_usage_bytes gauge
        csidecar_memory_usage_bytes{container="gifmachine"} 300.0
        # HELP csidecar_memory_utilization_ratio Memory used by the container as a share of its limit
        # TYPE csidecar_memory_utilization_ratio gauge
        csidecar_memory_utilization_ratio{container="gifmachine"} 0.25
        # HELP csidecar_network_receive_bytes_total Bytes received on the container's network interfaces
        # TYPE csidecar_network_receive_bytes_total counter
        csidecar_network_receive_bytes_total{container="gifmachine"} 1000.0
        # HELP csidecar_network_transmit_bytes_total Bytes sent on the container's network interfaces
        # TYPE csidecar_network_transmit_bytes_total counter
        csidecar_network_transmit_bytes_total{container="gifmachine"} 2000.0
        # HELP csidecar_stats_up 1 when the last read of the stats source succeeded, else 0
        # TYPE csidecar_stats_up gauge
        csidecar_stats_up 1.0
        # HELP csidecar_task_cpu_limit_cores The task's CPU limit in cores (vCPUs)
        # TYPE csidecar_task_cpu_limit_cores gauge
        csidecar_task_cpu_limit_cores 0.5
        """);
  }

  @Test
  void network_counters_keep_growing_when_the_raw_counters_go_backwards() throws Exception {
    metrics.update(sample(OptionalDouble.empty(), 1000, 2000));
    metrics.update(sample(OptionalDouble.empty(), 1500, 2600));
    metrics.update(sample(OptionalDouble.empty(), 100, 50)); // the container restarted

    assertThat(exposition())
        .contains("csidecar_network_receive_bytes_total{container=\"gifmachine\"} 1600.0")
        .contains("csidecar_network_transmit_bytes_total{container=\"gifmachine\"} 2650.0");
  }

  @Test
  void without_a_cpu_value_there_is_no_cpu_series_rather_than_a_made_up_zero() throws Exception {
    metrics.update(sample(OptionalDouble.empty(), 1, 1));

    assertThat(exposition()).doesNotContain("csidecar_cpu_utilization_ratio{");
  }

  @Test
  void a_failed_read_keeps_the_last_values_and_reports_the_source_down() throws Exception {
    metrics.update(sample(OptionalDouble.of(0.1), 1, 1));
    metrics.failed();

    assertThat(exposition())
        .contains("csidecar_stats_up 0.0")
        .contains("csidecar_memory_usage_bytes{container=\"gifmachine\"} 300.0");
  }

  @Test
  void a_container_without_network_numbers_has_no_network_series() throws Exception {
    metrics.update(
        new TaskSample(
            TASK,
            1,
            List.of(new ContainerStats("app", OptionalDouble.empty(), 1, 2, Optional.empty()))));

    assertThat(exposition()).doesNotContain("csidecar_network_receive_bytes_total{");
  }
}
