package gifmachine.app.db;

import gifmachine.app.GifmachineStartupException;
import gifmachine.app.process.PidFile;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded PostgreSQL of local mode, durable and supervised. It runs with {@code fsync} and
 * {@code synchronous_commit} on (the library's defaults turn both off, which lost acknowledged gifs
 * on a crash); a start first ends a postmaster that a crashed earlier run of <em>this data
 * directory</em> left behind; and a watchdog restarts the server on the same port when it dies,
 * backing off, and reports the database {@link #lost()} after too many failures in a row.
 */
final class EmbeddedServer implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(EmbeddedServer.class);

  /** The file the library locks while a server runs on the directory (its "epg-lock"). */
  private static final String LIBRARY_LOCK = "epg-lock";

  private final Path data;
  private final EmbeddedSupervision supervision;
  private final ScheduledExecutorService watchdog;
  private EmbeddedPostgres server; // guarded by this
  private ProcessHandle postmaster; // guarded by this
  private int port;
  private int failures; // guarded by this
  private volatile boolean lost;
  private boolean closed; // guarded by this

  private EmbeddedServer(Path data, EmbeddedSupervision supervision) {
    this.data = data;
    this.supervision = supervision;
    this.watchdog =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("gifmachine-postgres-watchdog").unstarted(r));
  }

  /**
   * Starts PostgreSQL with its files in {@code dataDir/postgres} on any free port, and watches it.
   *
   * @throws GifmachineStartupException if it cannot start
   */
  static EmbeddedServer start(Path dataDir, EmbeddedSupervision supervision) {
    Path data = dataDir.toAbsolutePath().normalize().resolve("postgres");
    EmbeddedServer embedded = new EmbeddedServer(data, supervision);
    try {
      Files.createDirectories(data);
      logger.info("starting embedded PostgreSQL with its data in {}", data);
      synchronized (embedded) {
        embedded.startServer(0);
      }
    } catch (IOException | RuntimeException e) {
      embedded.watchdog.shutdownNow();
      throw new GifmachineStartupException(
          "embedded PostgreSQL did not start: " + Database.rootMessage(e),
          "check that "
              + dataDir.toAbsolutePath()
              + " is writable and not used by another"
              + " Gifmachine, or set DATABASE_URL to use an external server");
    }
    long every = supervision.checkEvery().toMillis();
    embedded.watchdog.scheduleWithFixedDelay(embedded::check, every, every, TimeUnit.MILLISECONDS);
    return embedded;
  }

  int port() {
    return port;
  }

  /** True once restarts have failed {@code failuresBeforeLost} times in a row. */
  boolean lost() {
    return lost;
  }

  /** The running postmaster, for tests that crash it. */
  synchronized Optional<ProcessHandle> postmaster() {
    return Optional.ofNullable(postmaster).filter(PidFile::running);
  }

  private void startServer(int onPort) throws IOException {
    endStalePostmaster();
    try {
      server = configured(onPort).start();
    } catch (IOException | RuntimeException e) {
      // A start that fails throws from the library's constructor with its lock on epg-lock
      // still held and nothing left to close, so every later start in this JVM would fail with
      // OverlappingFileLockException. The lock is ours: a fresh file lets the next start lock.
      Files.deleteIfExists(data.resolve(LIBRARY_LOCK));
      throw e;
    }
    port = server.getPort();
    postmaster = new PidFile(data.resolve("postmaster.pid")).liveProcess().orElse(null);
  }

  private EmbeddedPostgres.Builder configured(int onPort) {
    return EmbeddedPostgres.builder()
        .setDataDirectory(data)
        .setCleanDataDirectory(false)
        .setPort(onPort)
        .setServerConfig("listen_addresses", "127.0.0.1")
        // The library starts postgres with -F (fsync off) and synchronous_commit=off: fast for
        // throwaway test databases, but a crash then loses commits already acknowledged (issue
        // 8 measured 9 and 270 lost gifs). Later -c options win over -F.
        .setServerConfig("fsync", "on")
        .setServerConfig("synchronous_commit", "on")
        .setServerConfig("full_page_writes", "on")
        .setPGStartupWait(supervision.startupWait());
  }

  /**
   * Ends a postmaster left running on our data directory by a run that died without stopping it
   * (kill -9, OOM). A directory that a live Gifmachine still holds is left alone.
   */
  private void endStalePostmaster() throws IOException {
    PidFile pidFile = new PidFile(data.resolve("postmaster.pid"));
    if (pidFile.liveProcess().isEmpty()) {
      return;
    }
    if (!libraryLockIsFree()) {
      throw new IOException("the data directory is in use by another running Gifmachine");
    }
    PidFile.Outcome outcome = pidFile.endStale(this::isPostmasterOfOurData, Duration.ofSeconds(10));
    if (outcome == PidFile.Outcome.ENDED) {
      logger.warn("ended a stale PostgreSQL that a previous run left on {}", data);
    }
  }

  /** The library holds this lock for as long as its JVM runs the server; a crash releases it. */
  private boolean libraryLockIsFree() throws IOException {
    try (FileChannel channel =
            FileChannel.open(
                data.resolve(LIBRARY_LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock()) {
      return lock != null;
    } catch (OverlappingFileLockException e) {
      return false; // this very JVM runs it
    }
  }

  /** {@code .../bin/postgres -D <our data directory> ...}, as pg_ctl starts it. */
  private boolean isPostmasterOfOurData(List<String> commandLine) {
    if (commandLine.isEmpty() || !commandLine.getFirst().endsWith("/bin/postgres")) {
      return false;
    }
    int d = commandLine.indexOf("-D");
    return d >= 0
        && d + 1 < commandLine.size()
        && Path.of(commandLine.get(d + 1)).toAbsolutePath().normalize().equals(data);
  }

  private void check() {
    try {
      synchronized (this) {
        if (closed || (postmaster != null && PidFile.running(postmaster))) {
          return;
        }
        logger.warn(
            "embedded PostgreSQL is not running; restarting it (failures so far: {})", failures);
      }
      restartWithBackoff();
    } catch (RuntimeException e) {
      logger.error("embedded PostgreSQL watchdog failed", e);
    }
  }

  private void restartWithBackoff() {
    while (true) {
      Duration pause;
      synchronized (this) {
        if (closed) {
          return;
        }
        pause = supervision.backoff(failures + 1);
      }
      try {
        Thread.sleep(pause);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      synchronized (this) {
        if (closed) {
          return;
        }
        stopQuietly();
        try {
          startServer(port);
          failures = 0;
          lost = false;
          logger.info("embedded PostgreSQL restarted on port {}", port);
          return;
        } catch (IOException | RuntimeException e) {
          failures++;
          lost = failures >= supervision.failuresBeforeLost();
          logger.warn(
              "embedded PostgreSQL restart {} failed{}: {}",
              failures,
              lost ? " (database lost: /healthz now fails)" : "",
              Database.rootMessage(e));
        }
      }
    }
  }

  private void stopQuietly() {
    if (server == null) {
      return;
    }
    try {
      server.close();
    } catch (IOException | RuntimeException e) {
      logger.warn("embedded PostgreSQL did not stop cleanly: {}", e.getMessage());
    }
    server = null;
  }

  @Override
  public void close() {
    synchronized (this) {
      closed = true;
    }
    watchdog.shutdownNow();
    synchronized (this) {
      stopQuietly();
    }
  }
}
