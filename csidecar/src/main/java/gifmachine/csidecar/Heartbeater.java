package gifmachine.csidecar;

import com.fasterxml.jackson.jr.ob.JSON;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells cDepot every heartbeat interval that this task is alive, announcing the sidecar's own
 * {@code /metrics} and the app's. While cDepot is away it retries with exponential backoff and full
 * jitter (1 s doubling up to the interval), and it never gives up. {@link #beatOnce()} sends one
 * and says when to send the next; the sidecar's one scheduler thread runs it.
 *
 * <p>The body is the original Go sidecar's JSON plus {@code targets}:
 *
 * <pre>{@code
 * {"cluster":"prod","function":"gifmachine","gitBranch":"main","taskID":"abc","localIP":"10.0.1.5:8080","publicIP":"","targets":["10.0.1.5:4567"]}
 * }</pre>
 */
final class Heartbeater {

  private static final Logger logger = LoggerFactory.getLogger(Heartbeater.class);
  private static final Duration FIRST_RETRY = Duration.ofSeconds(1);

  private final URI alive;
  private final PlainHttp http = new PlainHttp(Duration.ofSeconds(3));
  private final Supplier<Optional<TaskIdentity>> identity;
  private final int sidecarPort;
  private final int appPort;
  private final String gitBranch;
  private final Duration interval;
  final AtomicLong sent = new AtomicLong();
  final AtomicLong failed = new AtomicLong();
  private int failures;

  Heartbeater(
      URI cdepot,
      Supplier<Optional<TaskIdentity>> identity,
      int sidecarPort,
      int appPort,
      String gitBranch,
      Duration interval) {
    String base = cdepot.toString().replaceFirst("/+$", "");
    this.alive = URI.create(base + "/alive");
    this.identity = identity;
    this.sidecarPort = sidecarPort;
    this.appPort = appPort;
    this.gitBranch = gitBranch;
    this.interval = interval;
  }

  /** Sends one heartbeat; returns how long to wait before the next (the interval, or a backoff). */
  Duration beatOnce() {
    boolean ok = beat();
    failures = ok ? 0 : failures + 1;
    return ok ? interval : backoff(failures, interval);
  }

  /** Full jitter: a random wait up to min(interval, 1 s × 2^(failures-1)). */
  static Duration backoff(int failures, Duration interval) {
    long cap = Math.min(interval.toMillis(), FIRST_RETRY.toMillis() << Math.min(failures - 1, 20));
    return Duration.ofMillis(ThreadLocalRandom.current().nextLong(cap / 2, cap + 1));
  }

  boolean beat() {
    Optional<TaskIdentity> task = identity.get();
    if (task.isEmpty()) {
      return false; // the stats source has not told us who we are yet
    }
    try {
      byte[] body = JSON.std.asBytes(body(task.get()));
      int status = http.post(alive, "application/json", body).status();
      if (status / 100 == 2) {
        sent.incrementAndGet();
        return true;
      }
      logger.warn("cDepot answered {} to a heartbeat", status);
    } catch (Exception e) {
      logger.warn("heartbeat to {} failed: {}", alive, e.toString());
    }
    failed.incrementAndGet();
    return false;
  }

  Map<String, Object> body(TaskIdentity task) {
    String host =
        task.host().contains(":") && !task.host().startsWith("[")
            ? "[" + task.host() + "]"
            : task.host();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("cluster", task.cluster());
    body.put("function", task.function());
    body.put("gitBranch", gitBranch);
    body.put("taskID", task.taskId());
    body.put("localIP", host + ":" + sidecarPort);
    body.put("publicIP", "");
    body.put("targets", List.of(host + ":" + appPort));
    return body;
  }
}
