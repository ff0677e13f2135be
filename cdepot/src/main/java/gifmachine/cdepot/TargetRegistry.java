package gifmachine.cdepot;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The live targets: one registration per sidecar ({@code localIP}), refreshed by each heartbeat
 * and forgotten when none arrived for the TTL. Thread-safe without a global lock, so heartbeats
 * from many connections do not queue behind one another.
 */
final class TargetRegistry {

  /** What {@link #register} did with a heartbeat. */
  enum Outcome {
    REGISTERED,
    REFRESHED,
    FULL
  }

  private record Registration(Heartbeat heartbeat, long lastSeenNanos) {}

  private final ConcurrentHashMap<String, Registration> byLocalIp = new ConcurrentHashMap<>();
  // Bumped whenever the set of targets or their labels changes, so that readers can cache what
  // they render from it: most heartbeats only refresh a target and change nothing visible.
  private final AtomicLong version = new AtomicLong();
  private final long ttlNanos;
  private final int maxTargets;
  private final LongSupplier nanoClock;

  TargetRegistry(long ttlNanos, int maxTargets, LongSupplier nanoClock) {
    this.ttlNanos = ttlNanos;
    this.maxTargets = maxTargets;
    this.nanoClock = nanoClock;
  }

  Outcome register(Heartbeat heartbeat) {
    Registration fresh = new Registration(heartbeat, nanoClock.getAsLong());
    Registration previous = byLocalIp.replace(heartbeat.localIP(), fresh);
    if (previous != null) {
      if (!previous.heartbeat().equals(heartbeat)) {
        version.incrementAndGet();
      }
      return Outcome.REFRESHED;
    }
    // The size check and the insert are not atomic together: under a burst of new targets the
    // cap can be passed by at most the number of concurrent requests, which is harmless.
    if (byLocalIp.size() >= maxTargets) {
      return Outcome.FULL;
    }
    byLocalIp.put(heartbeat.localIP(), fresh);
    version.incrementAndGet();
    return Outcome.REGISTERED;
  }

  /** Restores targets read back from a file after a restart; they live one TTL from now. */
  void restore(Collection<Heartbeat> heartbeats) {
    for (Heartbeat heartbeat : heartbeats) {
      if (byLocalIp.size() >= maxTargets) {
        return;
      }
      byLocalIp.putIfAbsent(
          heartbeat.localIP(), new Registration(heartbeat, nanoClock.getAsLong()));
    }
    version.incrementAndGet();
  }

  /** Drops every registration older than the TTL; returns how many were dropped. */
  int expire() {
    long now = nanoClock.getAsLong();
    int[] removed = {0};
    byLocalIp.values().removeIf(r -> {
      boolean stale = now - r.lastSeenNanos() > ttlNanos;
      if (stale) {
        removed[0]++;
      }
      return stale;
    });
    if (removed[0] > 0) {
      version.incrementAndGet();
    }
    return removed[0];
  }

  /** Changes whenever {@link #targetGroups()} may have changed (after {@link #expire()}). */
  long version() {
    return version.get();
  }

  /** The live targets, sorted by address so the file_sd file only changes when targets do. */
  List<TargetGroup> targetGroups() {
    long now = nanoClock.getAsLong();
    List<Heartbeat> live = new ArrayList<>(byLocalIp.size());
    for (Registration r : byLocalIp.values()) {
      if (now - r.lastSeenNanos() <= ttlNanos) {
        live.add(r.heartbeat());
      }
    }
    live.sort(Comparator.comparing(Heartbeat::localIP));
    List<TargetGroup> groups = new ArrayList<>(live.size());
    for (Heartbeat heartbeat : live) {
      groups.add(heartbeat.toTargetGroup());
    }
    return groups;
  }

  int size() {
    return byLocalIp.size();
  }
}
