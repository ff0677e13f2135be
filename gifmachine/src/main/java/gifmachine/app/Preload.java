package gifmachine.app;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Loads the classes a start needs after the database is set up (Jetty, Javalin, Prometheus' JVM
 * metrics, ...: about a thousand, listed in {@code preload-classes.txt}) on a second thread while
 * the main thread connects and migrates: class loading is most of a start, and on two cores it then
 * happens side by side. Classes are loaded, not initialised, so no static initialiser runs early. A
 * name that no longer exists is skipped: a stale list costs speed, never correctness. Regenerate it
 * with {@code bench/gifmachine/startup-classes.sh}.
 */
final class Preload {
  static final String LIST = "preload-classes.txt";
  private static final AtomicBoolean started = new AtomicBoolean();

  private Preload() {}

  /** Starts the preloading thread, once per JVM (tests start many apps in one). */
  static void start() {
    if (started.compareAndSet(false, true)) {
      Thread.ofPlatform().daemon().name("gifmachine-preload").start(Preload::run);
    }
  }

  private static void run() {
    ClassLoader loader = Preload.class.getClassLoader();
    try (InputStream list = Preload.class.getResourceAsStream(LIST)) {
      if (list == null) {
        return;
      }
      BufferedReader names =
          new BufferedReader(new InputStreamReader(list, StandardCharsets.UTF_8));
      for (String name = names.readLine(); name != null; name = names.readLine()) {
        if (name.isEmpty() || name.startsWith("#")) {
          continue;
        }
        try {
          Class.forName(name, false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
          // gone or renamed in a dependency upgrade: the main thread loads what it needs
        }
      }
    } catch (IOException e) {
      // only an optimisation
    }
  }
}
