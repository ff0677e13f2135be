package gifmachine.cli.deploy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Ctrl-C for the engine: the shutdown hook calls {@link #cancel()}, which interrupts every thread
 * currently waiting on a stack. Nothing is rolled back or cancelled in CloudFormation: stacks carry
 * on and the next {@code up} waits for them and continues.
 */
public final class Cancellation {

  private final Set<Thread> workers = ConcurrentHashMap.newKeySet();
  private volatile boolean cancelled;

  public void cancel() {
    cancelled = true;
    workers.forEach(Thread::interrupt);
  }

  public boolean isCancelled() {
    return cancelled;
  }

  /** Throws when cancelled, so that loops stop at their next round. */
  public void checkpoint() throws InterruptedException {
    if (cancelled || Thread.currentThread().isInterrupted()) {
      throw new InterruptedException("cancelled");
    }
  }

  void enter() {
    workers.add(Thread.currentThread());
    if (cancelled) {
      Thread.currentThread().interrupt();
    }
  }

  void leave() {
    workers.remove(Thread.currentThread());
  }
}
