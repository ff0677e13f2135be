package gifmachine.cli.deploy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Time for the engine: what time it is and how to wait. Production sleeps for real; tests pass one
 * whose sleep advances a fake clock, so that a 30-minute timeout takes no time to test.
 */
public interface Pacer {

  Instant now();

  /** Sleeps; interruptible, which is how Ctrl-C stops the waiting. */
  void sleep(Duration duration) throws InterruptedException;

  static Pacer system() {
    Clock clock = Clock.systemUTC();
    return new Pacer() {
      @Override
      public Instant now() {
        return clock.instant();
      }

      @Override
      public void sleep(Duration duration) throws InterruptedException {
        Thread.sleep(duration);
      }
    };
  }
}
