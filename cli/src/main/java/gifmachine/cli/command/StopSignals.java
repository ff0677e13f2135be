package gifmachine.cli.command;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Ctrl-C (SIGINT) and SIGTERM as an ordinary request to stop, for a command whose normal end is
 * being stopped ({@code local}). The JVM's own handling of these signals runs the shutdown hooks
 * and then exits with 128 + the signal number (130 after Ctrl-C), whatever the command returns;
 * handling the signals here instead lets the command stop its components on its own thread and exit
 * 0, as the docs promise. {@link #close()} restores the JVM's handlers.
 *
 * <pre>{@code
 * try (StopSignals signals = StopSignals.install()) {
 *   signals.await();   // returns after Ctrl-C or SIGTERM
 * }
 * }</pre>
 */
final class StopSignals implements AutoCloseable {

  private static final List<String> NAMES = List.of("INT", "TERM");

  private final CountDownLatch received = new CountDownLatch(1);
  private final List<SignalHandler> previous;
  private volatile String name = "";

  private StopSignals() {
    // sun.misc.Signal (module jdk.unsupported) is the JDK's only way to replace the default
    // handler; it is the supported "critical internal API" of JEP 260.
    this.previous = NAMES.stream().map(n -> Signal.handle(new Signal(n), this::receive)).toList();
  }

  static StopSignals install() {
    return new StopSignals();
  }

  private void receive(Signal signal) {
    name = "SIG" + signal.getName();
    received.countDown();
  }

  /** Waits until a stop signal arrives. */
  void await() throws InterruptedException {
    received.await();
  }

  boolean received() {
    return received.getCount() == 0;
  }

  /** The signal that arrived ({@code SIGINT}, {@code SIGTERM}), or an empty string. */
  String name() {
    return name;
  }

  @Override
  public void close() {
    for (int i = 0; i < NAMES.size(); i++) {
      Signal.handle(new Signal(NAMES.get(i)), previous.get(i));
    }
  }
}
