package gifmachine.app.db;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;

/**
 * A daemon platform thread doing long work over one dedicated connection (a LISTEN, an index
 * build), which {@link #stop()} can end mid-statement by closing that connection.
 *
 * <pre>{@code
 * ConnectionWorker worker = new ConnectionWorker("gifmachine-listen", this::run);
 * worker.start(); ... worker.using(connection); ... worker.stop();
 * }</pre>
 */
public final class ConnectionWorker {

  /** Opens a fresh connection outside the pool: the work outlives pool recycling. */
  @FunctionalInterface
  public interface ConnectionFactory {
    Connection open() throws SQLException;
  }

  private final Thread thread;
  private volatile boolean running = true;
  private volatile Connection connection;

  public ConnectionWorker(String threadName, Runnable body) {
    this.thread = Thread.ofPlatform().daemon().name(threadName).unstarted(body);
  }

  public void start() {
    thread.start();
  }

  /** False once {@link #stop()} was called. */
  public boolean running() {
    return running;
  }

  /** The connection {@link #stop()} closes to interrupt the work. */
  public void using(Connection current) {
    connection = current;
  }

  /** Sleeps, returning early (with the interrupt flag set) when stopped. */
  public static void sleep(Duration duration) {
    try {
      Thread.sleep(duration);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops the work: closes its connection, interrupts the thread, waits up to 5 s for it. */
  public void stop() {
    running = false;
    Connection c = connection;
    if (c != null) {
      try {
        c.close();
      } catch (SQLException e) {
        // closing anyway
      }
    }
    thread.interrupt();
    try {
      thread.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
