package gifmachine.cli.deploy;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Polling intervals: start short, grow by half each quiet round up to a ceiling, back to short when
 * something happened, and "full jitter" on top so that parallel pollers (one per stack) do not hit
 * the API in lockstep and get throttled together.
 *
 * <pre>{@code
 * Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(10), random);
 * pacer.sleep(backoff.next());   // 0.5–1 s, then up to 1.5 s, 2.25 s … 10 s
 * backoff.reset();               // after new events
 * }</pre>
 */
public final class Backoff {

  private final Duration initial;
  private final Duration max;
  private final RandomGenerator random;
  private Duration current;

  public Backoff(Duration initial, Duration max, RandomGenerator random) {
    this.initial = initial;
    this.max = max;
    this.random = random;
    this.current = initial;
  }

  /** The next pause: between half the current interval and the full interval; then grows. */
  public Duration next() {
    long ceiling = current.toMillis();
    long pause = ceiling / 2 + (ceiling > 1 ? random.nextLong(ceiling - ceiling / 2) : 0);
    current = Duration.ofMillis(Math.min(max.toMillis(), Math.max(ceiling + 1, ceiling * 3 / 2)));
    return Duration.ofMillis(Math.max(1, pause));
  }

  public void reset() {
    current = initial;
  }
}
