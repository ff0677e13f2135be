package gifmachine.cdepot;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * How a {@link CDepot} runs: where it listens, how long a target lives without a heartbeat, where
 * it writes the Prometheus {@code file_sd} file and how many targets it accepts.
 *
 * <pre>{@code
 * CDepotConfig config = CDepotConfig.fromEnvironment(System.getenv());
 * CDepotConfig forTests = CDepotConfig.defaults().withPort(0).withTtl(Duration.ofSeconds(2));
 * }</pre>
 *
 * @param bindAddress the address to listen on ({@code 0.0.0.0} in a container, loopback in tests)
 * @param port the TCP port, 0 for any free one
 * @param ttl how long a target stays registered after its last heartbeat
 * @param fileSdPath where to write the {@code file_sd} file, if anywhere
 * @param fileSdInterval how often the {@code file_sd} file is rewritten
 * @param maxTargets how many distinct targets are accepted before new ones get 503
 * @param executor which threads run the HTTP handlers (measured: see docs/benchmarks.md)
 */
public record CDepotConfig(
    String bindAddress,
    int port,
    Duration ttl,
    Optional<Path> fileSdPath,
    Duration fileSdInterval,
    int maxTargets,
    HttpExecutor executor) {

  /** The threads that run request handlers (Jetty's thread pool in every case). */
  public enum HttpExecutor {
    /** Handlers on virtual threads, one per request. */
    VIRTUAL,
    /** Handlers on Jetty's pool of platform threads: a hand-off per request. */
    FIXED,
    /**
     * Handlers declared non-blocking (none of cDepot's waits), so Jetty runs each on the thread
     * that read the request: no hand-off.
     */
    INLINE
  }

  public static final int DEFAULT_PORT = 8002;

  public CDepotConfig {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("CDEPOT_PORT: must be 0-65535, was " + port);
    }
    if (ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("CDEPOT_TTL_SECONDS: must be positive, was " + ttl);
    }
    if (fileSdInterval.isNegative() || fileSdInterval.isZero()) {
      throw new IllegalArgumentException("file_sd interval: must be positive");
    }
    if (maxTargets < 1) {
      throw new IllegalArgumentException(
          "CDEPOT_MAX_TARGETS: must be at least 1, was " + maxTargets);
    }
  }

  /** Production defaults: port 8002 on every interface, 30 s TTL, no file, 10,000 targets. */
  public static CDepotConfig defaults() {
    return new CDepotConfig(
        "0.0.0.0",
        DEFAULT_PORT,
        Duration.ofSeconds(30),
        Optional.empty(),
        Duration.ofSeconds(15),
        10_000,
        HttpExecutor.INLINE);
  }

  /**
   * Reads {@code CDEPOT_PORT}, {@code CDEPOT_TTL_SECONDS}, {@code CDEPOT_FILE_SD_PATH}, {@code
   * CDEPOT_MAX_TARGETS}, {@code CDEPOT_BIND_ADDRESS} and {@code CDEPOT_EXECUTOR}.
   *
   * @throws IllegalArgumentException naming the variable when a value is malformed
   */
  public static CDepotConfig fromEnvironment(Map<String, String> env) {
    CDepotConfig d = defaults();
    String fileSd = env.getOrDefault("CDEPOT_FILE_SD_PATH", "").strip();
    return new CDepotConfig(
        env.getOrDefault("CDEPOT_BIND_ADDRESS", d.bindAddress()),
        intVar(env, "CDEPOT_PORT", d.port()),
        Duration.ofSeconds(intVar(env, "CDEPOT_TTL_SECONDS", (int) d.ttl().toSeconds())),
        fileSd.isEmpty() ? Optional.empty() : Optional.of(Path.of(fileSd)),
        d.fileSdInterval(),
        intVar(env, "CDEPOT_MAX_TARGETS", d.maxTargets()),
        executorVar(env, d.executor()));
  }

  private static HttpExecutor executorVar(Map<String, String> env, HttpExecutor fallback) {
    String value = env.getOrDefault("CDEPOT_EXECUTOR", "").strip();
    if (value.isEmpty()) {
      return fallback;
    }
    try {
      return HttpExecutor.valueOf(value.toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "CDEPOT_EXECUTOR: must be virtual, fixed or inline, was '" + value + "'");
    }
  }

  private static int intVar(Map<String, String> env, String name, int fallback) {
    String value = env.getOrDefault(name, "").strip();
    if (value.isEmpty()) {
      return fallback;
    }
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + ": must be a whole number, was '" + value + "'");
    }
  }

  public CDepotConfig withBindAddress(String value) {
    return new CDepotConfig(value, port, ttl, fileSdPath, fileSdInterval, maxTargets, executor);
  }

  public CDepotConfig withPort(int value) {
    return new CDepotConfig(
        bindAddress, value, ttl, fileSdPath, fileSdInterval, maxTargets, executor);
  }

  public CDepotConfig withTtl(Duration value) {
    return new CDepotConfig(
        bindAddress, port, value, fileSdPath, fileSdInterval, maxTargets, executor);
  }

  public CDepotConfig withFileSd(Path path, Duration interval) {
    return new CDepotConfig(
        bindAddress, port, ttl, Optional.of(path), interval, maxTargets, executor);
  }

  public CDepotConfig withExecutor(HttpExecutor value) {
    return new CDepotConfig(bindAddress, port, ttl, fileSdPath, fileSdInterval, maxTargets, value);
  }

  public CDepotConfig withMaxTargets(int value) {
    return new CDepotConfig(bindAddress, port, ttl, fileSdPath, fileSdInterval, value, executor);
  }
}
