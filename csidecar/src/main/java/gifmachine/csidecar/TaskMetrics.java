package gifmachine.csidecar;

import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The task's numbers as Prometheus metrics, one series per container ({@code container} label); the
 * task's identity travels as target labels through cDepot instead.
 *
 * <pre>{@code
 * csidecar_cpu_utilization_ratio{container="gifmachine"} 0.12
 * csidecar_memory_usage_bytes / csidecar_memory_limit_bytes / csidecar_memory_utilization_ratio
 * csidecar_network_receive_bytes_total / csidecar_network_transmit_bytes_total
 * csidecar_task_cpu_limit_cores, csidecar_stats_up
 * }</pre>
 *
 * <p>Network bytes are counters that never go backwards: when a container restarts (or its counters
 * drop for any other reason) the new raw value counts as bytes since the reset, as Prometheus's own
 * counter-reset handling would, so {@code rate()} stays right across restarts.
 */
public final class TaskMetrics {

  /** A counter kept monotonic over raw values that may restart from zero. */
  static final class MonotonicCounter {
    private long lastRaw = -1;
    private long total;

    long update(long raw) {
      if (lastRaw < 0) {
        total = raw;
      } else if (raw >= lastRaw) {
        total += raw - lastRaw;
      } else {
        total += raw; // a reset: everything counted now happened since it
      }
      lastRaw = raw;
      return total;
    }

    long total() {
      return total;
    }
  }

  private record ContainerState(
      ContainerStats stats, MonotonicCounter received, MonotonicCounter sent) {}

  private final Map<String, ContainerState> containers = new HashMap<>();
  private double cpuLimitCores;
  private boolean up;

  public TaskMetrics(PrometheusRegistry registry) {
    GaugeWithCallback.builder()
        .name("csidecar_cpu_utilization_ratio")
        .help("CPU used by the container as a share of the task's CPU limit (1 = the whole limit)")
        .labelNames("container")
        .callback(
            cb -> each(s -> s.stats().cpuShare().ifPresent(v -> cb.call(v, s.stats().name()))))
        .register(registry);
    GaugeWithCallback.builder()
        .name("csidecar_memory_usage_bytes")
        .help("Memory used by the container, less the reclaimable page cache")
        .labelNames("container")
        .callback(cb -> each(s -> cb.call(s.stats().memoryUsedBytes(), s.stats().name())))
        .register(registry);
    GaugeWithCallback.builder()
        .name("csidecar_memory_limit_bytes")
        .help("The memory limit that applies to the container")
        .labelNames("container")
        .callback(cb -> each(s -> cb.call(s.stats().memoryLimitBytes(), s.stats().name())))
        .register(registry);
    GaugeWithCallback.builder()
        .name("csidecar_memory_utilization_ratio")
        .help("Memory used by the container as a share of its limit")
        .labelNames("container")
        .callback(
            cb ->
                each(
                    s -> {
                      if (s.stats().memoryLimitBytes() > 0) {
                        cb.call(
                            (double) s.stats().memoryUsedBytes() / s.stats().memoryLimitBytes(),
                            s.stats().name());
                      }
                    }))
        .register(registry);
    CounterWithCallback.builder()
        .name("csidecar_network_receive_bytes_total")
        .help("Bytes received on the container's network interfaces")
        .labelNames("container")
        .callback(
            cb ->
                each(
                    s -> {
                      if (s.stats().network().isPresent()) {
                        cb.call(s.received().total(), s.stats().name());
                      }
                    }))
        .register(registry);
    CounterWithCallback.builder()
        .name("csidecar_network_transmit_bytes_total")
        .help("Bytes sent on the container's network interfaces")
        .labelNames("container")
        .callback(
            cb ->
                each(
                    s -> {
                      if (s.stats().network().isPresent()) {
                        cb.call(s.sent().total(), s.stats().name());
                      }
                    }))
        .register(registry);
    GaugeWithCallback.builder()
        .name("csidecar_task_cpu_limit_cores")
        .help("The task's CPU limit in cores (vCPUs)")
        .callback(
            cb -> {
              synchronized (this) {
                if (cpuLimitCores > 0) {
                  cb.call(cpuLimitCores);
                }
              }
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("csidecar_stats_up")
        .help("1 when the last read of the stats source succeeded, else 0")
        .callback(
            cb -> {
              synchronized (this) {
                cb.call(up ? 1 : 0);
              }
            })
        .register(registry);
  }

  /** Records a successful read; containers absent from it stop being exported. */
  public synchronized void update(TaskSample sample) {
    up = true;
    cpuLimitCores = sample.cpuLimitCores();
    Map<String, ContainerState> next = new HashMap<>();
    for (ContainerStats stats : sample.containers()) {
      ContainerState previous = containers.get(stats.name());
      MonotonicCounter received = previous == null ? new MonotonicCounter() : previous.received();
      MonotonicCounter sent = previous == null ? new MonotonicCounter() : previous.sent();
      stats
          .network()
          .ifPresent(
              n -> {
                received.update(n.received());
                sent.update(n.sent());
              });
      next.put(stats.name(), new ContainerState(stats, received, sent));
    }
    containers.clear();
    containers.putAll(next);
  }

  /** Records a failed read: the last values stay, {@code csidecar_stats_up} drops to 0. */
  public synchronized void failed() {
    up = false;
  }

  private synchronized void each(java.util.function.Consumer<ContainerState> action) {
    List.copyOf(containers.values()).forEach(action);
  }
}
