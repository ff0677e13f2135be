package gifmachine.app.db;

import java.time.Duration;

/**
 * How the app looks after its embedded PostgreSQL: how often it checks that the postmaster is
 * alive, how it backs off between restarts, and after how many failed restarts in a row it declares
 * the database lost, so that {@code /healthz} fails and the platform (or the person running {@code
 * local}) restarts the whole app.
 *
 * <pre>{@code
 * DatabaseSettings.embedded(Path.of(".gifmachine"), EmbeddedSupervision.DEFAULT)
 * }</pre>
 *
 * @param checkEvery how often the watchdog looks at the postmaster
 * @param firstBackoff the pause before the first restart; each failure doubles it
 * @param maxBackoff the longest pause between restarts
 * @param failuresBeforeLost failed restarts in a row after which the database counts as lost
 * @param startupWait how long one start may take before it counts as failed
 */
public record EmbeddedSupervision(
    Duration checkEvery,
    Duration firstBackoff,
    Duration maxBackoff,
    int failuresBeforeLost,
    Duration startupWait) {

  /** Checks every second; 1, 2, 4, 8 s between restarts; lost after 4 failures (about 1.5 min). */
  public static final EmbeddedSupervision DEFAULT =
      new EmbeddedSupervision(
          Duration.ofSeconds(1),
          Duration.ofSeconds(1),
          Duration.ofSeconds(8),
          4,
          Duration.ofSeconds(15));

  public EmbeddedSupervision {
    if (failuresBeforeLost < 1) {
      throw new IllegalArgumentException("failuresBeforeLost must be at least 1");
    }
  }

  /** The pause before restart attempt {@code attempt} (1-based). */
  Duration backoff(int attempt) {
    Duration pause = firstBackoff;
    for (int i = 1; i < attempt && pause.compareTo(maxBackoff) < 0; i++) {
      pause = pause.multipliedBy(2);
    }
    return pause.compareTo(maxBackoff) > 0 ? maxBackoff : pause;
  }
}
