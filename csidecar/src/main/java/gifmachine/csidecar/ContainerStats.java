package gifmachine.csidecar;

import java.util.Optional;
import java.util.OptionalDouble;

/**
 * One container's numbers from one read of a {@link StatsSource}.
 *
 * @param name the container name (stable across restarts, unlike its id)
 * @param cpuShare CPU used since the previous read as a share of the task's CPU limit (1.0 = the
 *     whole limit); empty on the first read, when there is nothing to compare with
 * @param memoryUsedBytes memory in use less the reclaimable page cache
 * @param memoryLimitBytes the limit that memory is measured against
 * @param network bytes received and sent since the container started; empty when the source has no
 *     network section for it
 */
public record ContainerStats(
    String name,
    OptionalDouble cpuShare,
    long memoryUsedBytes,
    long memoryLimitBytes,
    Optional<NetworkBytes> network) {

  /** Cumulative bytes on the container's interfaces, as the kernel counts them. */
  public record NetworkBytes(long received, long sent) {}
}
