package gifmachine.csidecar;

import java.util.List;

/**
 * One read of a {@link StatsSource}: who the task is, its CPU limit and each container's stats.
 *
 * @param cpuLimitCores the task's CPU limit in cores (vCPUs)
 */
public record TaskSample(
    TaskIdentity identity, double cpuLimitCores, List<ContainerStats> containers) {

  public TaskSample {
    containers = List.copyOf(containers);
  }
}
