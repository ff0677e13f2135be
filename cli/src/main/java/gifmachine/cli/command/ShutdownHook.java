package gifmachine.cli.command;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C during {@code up}: a JVM shutdown hook that tells the engine to stop waiting, then holds
 * the exit for a few seconds so that the command can say which stacks are still in progress and how
 * to continue.
 */
final class ShutdownHook implements AutoCloseable {

  private final Thread hook;
  private final CountDownLatch done = new CountDownLatch(1);

  private ShutdownHook(Runnable action) {
    this.hook =
        new Thread(
            () -> {
              action.run();
              try {
                done.await(10, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "ctrl-c");
  }

  static AutoCloseable register(Runnable action) {
    ShutdownHook shutdownHook = new ShutdownHook(action);
    Runtime.getRuntime().addShutdownHook(shutdownHook.hook);
    return shutdownHook;
  }

  @Override
  public void close() {
    done.countDown();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // The hook is running: counting down lets it finish.
    }
  }
}
