package gifmachine.csidecar;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * How a {@link CSidecar} runs: its port, where cDepot is, which port of the app it announces, how
 * often it beats and samples, and which {@link Source} it reads.
 *
 * <pre>{@code
 * CSidecarConfig config = CSidecarConfig.fromEnvironment(System.getenv());
 * }</pre>
 *
 * @param bindAddress the address to listen on
 * @param port the TCP port of {@code /metrics}, 0 for any free one
 * @param cdepotUrl cDepot's base URL; without one the sidecar only serves metrics
 * @param appMetricsPort the app's port that is announced beside the sidecar's own
 * @param heartbeatInterval the time between heartbeats
 * @param sampleInterval the time between reads of the stats source
 * @param gitBranch the branch the task was built from, a target label
 * @param function what the task runs, a target label ({@code gifmachine})
 * @param advertiseHost the host announced to cDepot; on ECS the task's IP wins over it
 * @param source where the stats come from
 */
public record CSidecarConfig(
    String bindAddress,
    int port,
    Optional<URI> cdepotUrl,
    int appMetricsPort,
    Duration heartbeatInterval,
    Duration sampleInterval,
    String gitBranch,
    String function,
    String advertiseHost,
    Source source) {

  public static final int DEFAULT_PORT = 8080;

  /** Where stats come from. */
  public sealed interface Source {
    /** The ECS task metadata endpoint v4 ({@code ECS_CONTAINER_METADATA_URI_V4}). */
    record EcsMetadata(URI endpoint) implements Source {}

    /** A cgroup directory (v2) or a cgroup path inside the v1 hierarchies. */
    record CgroupPath(String path) implements Source {}

    /** The cgroup of a process. */
    record Pid(long pid) implements Source {}
  }

  public CSidecarConfig {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("CSIDECAR_PORT: must be 0-65535, was " + port);
    }
    if (appMetricsPort < 1 || appMetricsPort > 65535) {
      throw new IllegalArgumentException(
          "CSIDECAR_APP_METRICS_PORT: must be 1-65535, was " + appMetricsPort);
    }
    if (!heartbeatInterval.isPositive()) {
      throw new IllegalArgumentException("CSIDECAR_HEARTBEAT_SECONDS: must be positive");
    }
    if (!sampleInterval.isPositive()) {
      throw new IllegalArgumentException("CSIDECAR_SAMPLE_SECONDS: must be positive");
    }
    cdepotUrl.ifPresent(
        url -> {
          if (!("http".equals(url.getScheme()) || "https".equals(url.getScheme()))
              || url.getHost() == null) {
            throw new IllegalArgumentException("CDEPOT_URL: must be an http(s) URL, was " + url);
          }
        });
  }

  /** Outside ECS, watching this very process; no cDepot. Tests and the local runner start here. */
  public static CSidecarConfig watchingThisProcess() {
    return new CSidecarConfig(
        "0.0.0.0",
        DEFAULT_PORT,
        Optional.empty(),
        4567,
        Duration.ofSeconds(15),
        Duration.ofSeconds(10),
        "",
        "gifmachine",
        "127.0.0.1",
        new Source.Pid(ProcessHandle.current().pid()));
  }

  /**
   * Reads {@code CSIDECAR_PORT}, {@code CDEPOT_URL}, {@code CSIDECAR_APP_METRICS_PORT}, {@code
   * CSIDECAR_HEARTBEAT_SECONDS}, {@code CSIDECAR_SAMPLE_SECONDS}, {@code GIT_BRANCH}, {@code
   * CSIDECAR_FUNCTION}, {@code CSIDECAR_ADVERTISE_HOST}, and the source: {@code
   * ECS_CONTAINER_METADATA_URI_V4} when set, else {@code CSIDECAR_CGROUP_PATH}, else {@code
   * CSIDECAR_PID} (default: this process).
   *
   * @throws IllegalArgumentException naming the variable when a value is malformed
   */
  public static CSidecarConfig fromEnvironment(Map<String, String> env) {
    CSidecarConfig d = watchingThisProcess();
    Source source;
    String ecs = env.getOrDefault("ECS_CONTAINER_METADATA_URI_V4", "").strip();
    String cgroup = env.getOrDefault("CSIDECAR_CGROUP_PATH", "").strip();
    if (!ecs.isEmpty()) {
      source = new Source.EcsMetadata(uri("ECS_CONTAINER_METADATA_URI_V4", ecs));
    } else if (!cgroup.isEmpty()) {
      source = new Source.CgroupPath(cgroup);
    } else {
      source = new Source.Pid(longVar(env, "CSIDECAR_PID", ProcessHandle.current().pid()));
    }
    String cdepot = env.getOrDefault("CDEPOT_URL", "").strip();
    return new CSidecarConfig(
        env.getOrDefault("CSIDECAR_BIND_ADDRESS", d.bindAddress()),
        (int) longVar(env, "CSIDECAR_PORT", d.port()),
        cdepot.isEmpty() ? Optional.empty() : Optional.of(uri("CDEPOT_URL", cdepot)),
        (int) longVar(env, "CSIDECAR_APP_METRICS_PORT", d.appMetricsPort()),
        Duration.ofSeconds(
            longVar(env, "CSIDECAR_HEARTBEAT_SECONDS", d.heartbeatInterval().toSeconds())),
        Duration.ofSeconds(longVar(env, "CSIDECAR_SAMPLE_SECONDS", d.sampleInterval().toSeconds())),
        env.getOrDefault("GIT_BRANCH", ""),
        env.getOrDefault("CSIDECAR_FUNCTION", d.function()),
        env.getOrDefault("CSIDECAR_ADVERTISE_HOST", d.advertiseHost()),
        source);
  }

  private static URI uri(String name, String value) {
    try {
      return URI.create(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(name + ": not a URL: " + value);
    }
  }

  private static long longVar(Map<String, String> env, String name, long fallback) {
    String value = env.getOrDefault(name, "").strip();
    if (value.isEmpty()) {
      return fallback;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + ": must be a whole number, was '" + value + "'");
    }
  }

  public CSidecarConfig withPort(String bind, int value) {
    return new CSidecarConfig(
        bind,
        value,
        cdepotUrl,
        appMetricsPort,
        heartbeatInterval,
        sampleInterval,
        gitBranch,
        function,
        advertiseHost,
        source);
  }

  public CSidecarConfig withCdepot(URI url, Duration heartbeats) {
    return new CSidecarConfig(
        bindAddress,
        port,
        Optional.of(url),
        appMetricsPort,
        heartbeats,
        sampleInterval,
        gitBranch,
        function,
        advertiseHost,
        source);
  }

  public CSidecarConfig withApp(int appPort, String branch) {
    return new CSidecarConfig(
        bindAddress,
        port,
        cdepotUrl,
        appPort,
        heartbeatInterval,
        sampleInterval,
        branch,
        function,
        advertiseHost,
        source);
  }

  public CSidecarConfig withSampleInterval(Duration value) {
    return new CSidecarConfig(
        bindAddress,
        port,
        cdepotUrl,
        appMetricsPort,
        heartbeatInterval,
        value,
        gitBranch,
        function,
        advertiseHost,
        source);
  }

  public CSidecarConfig withSource(Source value) {
    return new CSidecarConfig(
        bindAddress,
        port,
        cdepotUrl,
        appMetricsPort,
        heartbeatInterval,
        sampleInterval,
        gitBranch,
        function,
        advertiseHost,
        value);
  }

  /** The {@code file} path root for cgroup sources, {@code /} in production. */
  static Path systemRoot() {
    return Path.of("/");
  }
}
