package gifmachine.csidecar;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Stats from the ECS task metadata endpoint v4: {@code $ECS_CONTAINER_METADATA_URI_V4/task} for the
 * task's identity, limits and containers, {@code /task/stats} for Docker-style stats of every
 * container keyed by Docker id.
 *
 * <pre>{@code
 * curl "$ECS_CONTAINER_METADATA_URI_V4/task/stats"
 * }</pre>
 *
 * <p>CPU is {@code (Δcpu_usage.total_usage / Δsystem_cpu_usage) × online_cpus} cores, the interval
 * being the one between {@code precpu_stats} and {@code cpu_stats} that the agent keeps; divided by
 * the task's CPU limit. Memory is {@code usage} less the inactive page cache ({@code inactive_file}
 * on cgroup v2, {@code total_inactive_file} on v1, as {@code docker stats} does), against the
 * smallest limit that applies (container, task, cgroup).
 */
public final class EcsMetadataSource implements StatsSource {

  private static final long MIB = 1024L * 1024L;

  private final URI base;
  private final PlainHttp http = new PlainHttp(Duration.ofSeconds(2));
  private final String function;

  public EcsMetadataSource(URI base, String function) {
    String text = base.toString();
    this.base = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
    this.function = function;
  }

  @Override
  public String describe() {
    return "ecs " + base;
  }

  @Override
  public TaskSample read() throws IOException, InterruptedException {
    JsonValue task = get("/task");
    JsonValue stats = get("/task/stats");
    Map<String, JsonValue> containersById = new java.util.HashMap<>();
    String host = "";
    for (JsonValue container : task.path("Containers").values()) {
      containersById.put(container.path("DockerId").asText(), container);
      if (host.isEmpty()) {
        host = container.path("Networks").path(0).path("IPv4Addresses").path(0).asText("");
      }
    }
    double taskCpu = task.path("Limits").path("CPU").asDouble(0);
    long taskMemory = task.path("Limits").path("Memory").asLong(0) * MIB;
    int onlineCpus = 0;
    for (JsonValue s : stats.values()) {
      onlineCpus = Math.max(onlineCpus, s.path("cpu_stats").path("online_cpus").asInt(0));
    }
    // Fargate gives the task a vCPU limit; on EC2 it may have none, then the host's CPUs are it.
    double limitCores = taskCpu > 0 ? taskCpu : Math.max(1, onlineCpus);
    List<ContainerStats> containers = new ArrayList<>();
    for (Map.Entry<String, JsonValue> entry : stats.fields()) {
      JsonValue s = entry.getValue();
      if (!s.isObject()) {
        continue; // a stopped container's stats are null
      }
      JsonValue meta = containersById.getOrDefault(entry.getKey(), JsonValue.MISSING);
      String name =
          meta.path("Name").asText(s.path("name").asText(entry.getKey()).replaceFirst("^/", ""));
      long containerMemory = meta.path("Limits").path("Memory").asLong(0) * MIB;
      containers.add(
          new ContainerStats(
              name,
              cpuShare(s, limitCores),
              memoryUsed(s.path("memory_stats")),
              memoryLimit(s.path("memory_stats"), containerMemory, taskMemory),
              network(s.path("networks"))));
    }
    TaskIdentity identity =
        new TaskIdentity(
            lastPart(task.path("Cluster").asText("")),
            lastPart(task.path("TaskARN").asText("")),
            function.isEmpty() ? task.path("Family").asText("") : function,
            host);
    return new TaskSample(identity, limitCores, containers);
  }

  private JsonValue get(String path) throws IOException {
    PlainHttp.Response response = http.get(URI.create(base + path));
    if (response.status() != 200) {
      throw new IOException("GET " + path + ": status " + response.status());
    }
    JsonValue node;
    try {
      node = JsonValue.parse(response.body());
    } catch (IOException e) {
      throw new IOException("GET " + path + ": not JSON: " + e.getMessage(), e);
    }
    if (!node.isObject()) {
      throw new IOException("GET " + path + ": not a JSON object");
    }
    return node;
  }

  static OptionalDouble cpuShare(JsonValue stats, double limitCores) {
    JsonValue now = stats.path("cpu_stats");
    JsonValue before = stats.path("precpu_stats");
    double total = now.path("cpu_usage").path("total_usage").asDouble(0);
    double system = now.path("system_cpu_usage").asDouble(0);
    double preTotal = before.path("cpu_usage").path("total_usage").asDouble(0);
    double preSystem = before.path("system_cpu_usage").asDouble(0);
    int cpus = now.path("online_cpus").asInt(0);
    if (cpus <= 0) {
      cpus = now.path("cpu_usage").path("percpu_usage").size();
    }
    // The first sample after start has no previous one: precpu_stats is empty or zero.
    if (preSystem <= 0 || system <= preSystem || total < preTotal || cpus <= 0 || limitCores <= 0) {
      return OptionalDouble.empty();
    }
    double cores = (total - preTotal) / (system - preSystem) * cpus;
    return OptionalDouble.of(cores / limitCores);
  }

  static long memoryUsed(JsonValue memory) {
    long usage = memory.path("usage").asLong(0);
    JsonValue stats = memory.path("stats");
    // cgroup v1 reports the hierarchy's total beside the cgroup's own; v2 only has one.
    String field =
        stats.has("total_inactive_file")
            ? "total_inactive_file"
            : stats.has("inactive_file") ? "inactive_file" : "cache";
    long cache = stats.path(field).asLong(0);
    return Math.max(0, usage - cache);
  }

  static long memoryLimit(JsonValue memory, long containerLimit, long taskLimit) {
    long limit = Long.MAX_VALUE;
    for (long candidate : new long[] {memory.path("limit").asLong(0), containerLimit, taskLimit}) {
      if (candidate > 0) {
        limit = Math.min(limit, candidate);
      }
    }
    return limit == Long.MAX_VALUE ? 0 : limit;
  }

  static Optional<ContainerStats.NetworkBytes> network(JsonValue networks) {
    if (!networks.isObject() || networks.isEmpty()) {
      return Optional.empty();
    }
    long received = 0;
    long sent = 0;
    for (JsonValue nic : networks.values()) {
      received += nic.path("rx_bytes").asLong(0);
      sent += nic.path("tx_bytes").asLong(0);
    }
    return Optional.of(new ContainerStats.NetworkBytes(received, sent));
  }

  static String lastPart(String arn) {
    int slash = arn.lastIndexOf('/');
    return slash < 0 ? arn : arn.substring(slash + 1);
  }
}
