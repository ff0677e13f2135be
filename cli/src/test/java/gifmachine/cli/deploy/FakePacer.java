package gifmachine.cli.deploy;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;

/** Time that passes only when someone sleeps: a one-hour timeout costs nothing to test. */
final class FakePacer implements Pacer {

  private final AtomicReference<Instant> now =
      new AtomicReference<>(Instant.parse("2026-11-27T12:00:00Z"));

  @Override
  public Instant now() {
    return now.get();
  }

  @Override
  public void sleep(Duration duration) throws InterruptedException {
    now.updateAndGet(t -> t.plus(duration));
    // Let parallel stacks take turns, as real sleeping would.
    Thread.sleep(1);
  }
}
