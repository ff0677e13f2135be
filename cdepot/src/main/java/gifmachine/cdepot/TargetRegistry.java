package gifmachine.cdepot;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The live targets: one registration per sidecar ({@code localIP}), refreshed by each heartbeat and
 * forgotten when none arrived for the TTL. Thread-safe without a global lock, so heartbeats from
 * many connections do not queue behind one another.
 */
final class TargetRegistry {

  /** What {@link #register} did with a heartbeat. */
  enum Outcome {
    REGISTERED,
    REFRESHED,
    FULL
  }

  // Each registration keeps its http_sd JSON, rendered once when the heartbeat first arrives or
  // changes: GET /targets then only concatenates, which keeps it fast at 10,000 targets. A refresh
  // only moves lastSeenNanos, in place: no new object and no map write per heartbeat.
  private static final class Registration {
    final Heartbeat heartbeat;
    final byte[] json;

    /** The request body this registration was parsed from, if any (see {@link #refresh}). */
    final Body body;

    volatile long lastSeenNanos;

    /** False once replaced by a newer registration of its target or expired. */
    volatile boolean current = true;

    Registration(Heartbeat heartbeat, byte[] json, Body body, long lastSeenNanos) {
      this.heartbeat = heartbeat;
      this.json = json;
      this.body = body;
      this.lastSeenNanos = lastSeenNanos;
    }
  }

  /** A request body as a map key: its bytes compared by value, the hash computed once. */
  private static final class Body {
    private final byte[] bytes;
    private final int hash;

    Body(byte[] bytes) {
      this.bytes = bytes;
      this.hash = Arrays.hashCode(bytes);
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Body body && hash == body.hash && Arrays.equals(bytes, body.bytes);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }

  // Sorted by address, so GET /targets and the file_sd file need no sort of 10,000 entries after
  // a change; only new or changed heartbeats look targets up here (refresh goes by body).
  private final ConcurrentSkipListMap<String, Registration> byLocalIp =
      new ConcurrentSkipListMap<>();
  // The skip list counts its entries by walking them: the count is kept here.
  private final AtomicInteger count = new AtomicInteger();
  // The live registrations by the exact body that made them: a sidecar sends the same bytes every
  // time, so a repeated body refreshes its registration without being parsed or validated again
  // (parsing was a quarter of a heartbeat's CPU, docs/benchmarks.md). At most one entry per
  // registration, plus leftovers of concurrent changes that expire() sweeps.
  private final ConcurrentHashMap<Body, Registration> byBody = new ConcurrentHashMap<>();
  // Bumped whenever the set of targets or their labels changes, so that readers can cache what
  // they render from it: most heartbeats only refresh a target and change nothing visible.
  private final AtomicLong version = new AtomicLong();
  private final long ttlNanos;
  private final int maxTargets;
  private final LongSupplier nanoClock;
  private final Function<TargetGroup, byte[]> renderer;

  TargetRegistry(
      long ttlNanos,
      int maxTargets,
      LongSupplier nanoClock,
      Function<TargetGroup, byte[]> renderer) {
    this.ttlNanos = ttlNanos;
    this.maxTargets = maxTargets;
    this.nanoClock = nanoClock;
    this.renderer = renderer;
  }

  /**
   * Refreshes the live registration made from exactly these body bytes, if there is one: what
   * {@link #register} would do with the same body parsed again. False when the body must be parsed
   * (new, changed, or its registration expired or replaced).
   */
  boolean refresh(byte[] body) {
    Registration known = byBody.get(new Body(body));
    if (known == null || !known.current) {
      return false;
    }
    long now = nanoClock.getAsLong();
    if (now - known.lastSeenNanos > ttlNanos) {
      return false; // expired: counts as a new registration, as it would have after a sweep
    }
    known.lastSeenNanos = now;
    return true;
  }

  Outcome register(Heartbeat heartbeat) {
    return register(heartbeat, null);
  }

  /**
   * Registers or refreshes; {@code body}, the bytes it was parsed from, lets {@link #refresh} skip
   * parsing next time.
   */
  Outcome register(Heartbeat heartbeat, byte[] body) {
    long now = nanoClock.getAsLong();
    Body key = body == null ? null : new Body(body);
    Registration previous = byLocalIp.get(heartbeat.localIP());
    if (previous != null) {
      boolean same = previous.heartbeat.equals(heartbeat);
      Registration next =
          new Registration(heartbeat, same ? previous.json : render(heartbeat), key, now);
      replaced(byLocalIp.put(heartbeat.localIP(), next));
      rememberBody(next);
      if (!same) {
        version.incrementAndGet();
      }
      return Outcome.REFRESHED;
    }
    Registration fresh = new Registration(heartbeat, render(heartbeat), key, now);
    // The size check and the insert are not atomic together: under a burst of new targets the
    // cap can be passed by at most the number of concurrent requests, which is harmless.
    if (count.get() >= maxTargets) {
      return Outcome.FULL;
    }
    replaced(byLocalIp.put(heartbeat.localIP(), fresh));
    rememberBody(fresh);
    version.incrementAndGet();
    return Outcome.REGISTERED;
  }

  private void rememberBody(Registration registration) {
    if (registration.body != null) {
      byBody.put(registration.body, registration);
    }
  }

  /** Retires what a put replaced: null (then the target is new), or the older registration. */
  private void replaced(Registration previous) {
    if (previous == null) {
      count.incrementAndGet();
      return;
    }
    previous.current = false;
    if (previous.body != null) {
      byBody.remove(previous.body, previous);
    }
  }

  /** Restores targets read back from a file after a restart; they live one TTL from now. */
  void restore(Collection<Heartbeat> heartbeats) {
    for (Heartbeat heartbeat : heartbeats) {
      if (count.get() >= maxTargets) {
        return;
      }
      if (byLocalIp.putIfAbsent(
              heartbeat.localIP(),
              new Registration(heartbeat, render(heartbeat), null, nanoClock.getAsLong()))
          == null) {
        count.incrementAndGet();
      }
    }
    version.incrementAndGet();
  }

  /** Drops every registration older than the TTL; returns how many were dropped. */
  int expire() {
    long now = nanoClock.getAsLong();
    int removed = 0;
    for (Registration r : byLocalIp.values()) {
      if (now - r.lastSeenNanos > ttlNanos && byLocalIp.remove(r.heartbeat.localIP(), r)) {
        r.current = false;
        count.decrementAndGet();
        removed++;
      }
    }
    // Bodies of registrations that expired, or were replaced in a race between two changes of
    // one target (then there are more bodies than targets). Not on every call: GET /targets
    // expires first, and walking 10,000 bodies each time showed in its latency.
    if (removed > 0 || byBody.size() > count.get()) {
      byBody.values().removeIf(r -> !r.current);
    }
    if (removed > 0) {
      version.incrementAndGet();
    }
    return removed;
  }

  /** Changes whenever {@link #targetGroups()} may have changed (after {@link #expire()}). */
  long version() {
    return version.get();
  }

  /** The live targets, sorted by address so the file_sd file only changes when targets do. */
  List<TargetGroup> targetGroups() {
    long now = nanoClock.getAsLong();
    List<TargetGroup> groups = new ArrayList<>(count.get());
    for (Registration r : byLocalIp.values()) {
      if (now - r.lastSeenNanos <= ttlNanos) {
        groups.add(r.heartbeat.toTargetGroup());
      }
    }
    return groups;
  }

  /**
   * The live targets as an http_sd JSON array, sorted by address. Written straight into one array
   * of the final size: 10,000 targets are 1.4 MB, and a growing buffer plus a copy of it sent the
   * small heap into full collections (measured, docs/benchmarks.md).
   */
  byte[] renderTargetGroups() {
    long now = nanoClock.getAsLong();
    List<Registration> live = new ArrayList<>(count.get());
    int bytes = 2;
    for (Registration r : byLocalIp.values()) {
      if (now - r.lastSeenNanos <= ttlNanos) {
        live.add(r);
        bytes += r.json.length + 1;
      }
    }
    byte[] out = new byte[live.isEmpty() ? 2 : bytes - 1];
    int at = 0;
    out[at++] = '[';
    for (int i = 0; i < live.size(); i++) {
      if (i > 0) {
        out[at++] = ',';
      }
      byte[] json = live.get(i).json;
      System.arraycopy(json, 0, out, at, json.length);
      at += json.length;
    }
    out[at] = ']';
    return out;
  }

  private byte[] render(Heartbeat heartbeat) {
    return renderer.apply(heartbeat.toTargetGroup());
  }

  int size() {
    return count.get();
  }
}
