package gifmachine.app;

import gifmachine.app.db.DatabaseSettings;
import gifmachine.app.gif.SearchCache;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * Everything Gifmachine needs to start, read from the environment with the original's names.
 *
 * <pre>{@code
 * var config = GifmachineConfig.fromEnvironment(System.getenv());   // production, ECS
 * var local = GifmachineConfig.local(Path.of(".gifmachine"), 4567);  // laptop, embedded PostgreSQL
 * try (var app = Gifmachine.start(config)) { ... }
 * }</pre>
 *
 * @param host interface to listen on ({@code 0.0.0.0} in containers, loopback for local mode)
 * @param port HTTP port, 0 for any free port
 * @param password the API secret that {@code POST /gif} and {@code POST /reload} require
 * @param passwordGenerated true when local mode made the password up (it is printed once)
 * @param database where the data lives: an external server, or embedded PostgreSQL in a directory
 * @param searchCacheBytes bound on the search pages kept in memory ({@link SearchCache}), 0 for
 *     none
 */
public record GifmachineConfig(
    String host,
    int port,
    String password,
    boolean passwordGenerated,
    DatabaseSettings database,
    long searchCacheBytes) {

  public static final int DEFAULT_PORT = 4567;
  public static final Path DEFAULT_DATA_DIR = Path.of(".gifmachine");

  public GifmachineConfig {
    if (password.isEmpty()) {
      throw new IllegalArgumentException("password must not be empty");
    }
    if (searchCacheBytes < 0) {
      throw new IllegalArgumentException("searchCacheBytes must not be negative");
    }
  }

  /** With the default search cache ({@link SearchCache#DEFAULT_MAX_BYTES}). */
  public GifmachineConfig(
      String host,
      int port,
      String password,
      boolean passwordGenerated,
      DatabaseSettings database) {
    this(host, port, password, passwordGenerated, database, SearchCache.DEFAULT_MAX_BYTES);
  }

  /**
   * Reads {@code PORT}, {@code GIFMACHINE_PASSWORD}, {@code DATABASE_URL} (or {@code
   * DATABASE_HOST}, {@code DATABASE_PORT}, {@code DATABASE_NAME}, {@code DATABASE_USER}, {@code
   * DATABASE_PASSWORD}, {@code DATABASE_SSLMODE}), {@code GIFMACHINE_DATA_DIR} and {@code
   * GIFMACHINE_SEARCH_CACHE_MB} (memory for search pages, default 8, 0 turns it off). With no
   * database settings at all it is local mode: embedded PostgreSQL, and a generated password when
   * none is set. Anywhere else a missing password is an error, never a default.
   *
   * @throws GifmachineStartupException when a value is missing or malformed
   */
  public static GifmachineConfig fromEnvironment(Map<String, String> env) {
    int port = parsePort(env.getOrDefault("PORT", "").strip());
    long searchCacheBytes =
        parseSearchCacheMegabytes(env.getOrDefault("GIFMACHINE_SEARCH_CACHE_MB", "").strip());
    Optional<DatabaseSettings> external = DatabaseSettings.fromEnvironment(env);
    Optional<String> password =
        Optional.ofNullable(env.get("GIFMACHINE_PASSWORD")).filter(p -> !p.isBlank());
    if (external.isPresent()) {
      String secret =
          password.orElseThrow(
              () ->
                  new GifmachineStartupException(
                      "GIFMACHINE_PASSWORD is not set: an external database means a shared"
                          + " installation, and the API must not fall back to a known password",
                      "set GIFMACHINE_PASSWORD to a long random secret (chat bots send it as"
                          + " `secret`), or unset the DATABASE_* variables for local mode"));
      return new GifmachineConfig("0.0.0.0", port, secret, false, external.get(), searchCacheBytes);
    }
    Path dataDir =
        Path.of(env.getOrDefault("GIFMACHINE_DATA_DIR", DEFAULT_DATA_DIR.toString()).strip());
    DatabaseSettings embedded = DatabaseSettings.embedded(dataDir);
    return password
        .map(p -> new GifmachineConfig("0.0.0.0", port, p, false, embedded, searchCacheBytes))
        .orElseGet(
            () ->
                new GifmachineConfig(
                    "0.0.0.0", port, generatePassword(), true, embedded, searchCacheBytes));
  }

  /**
   * Local mode: embedded PostgreSQL with its data in {@code dataDir}, a generated password, and
   * listening on loopback only.
   */
  public static GifmachineConfig local(Path dataDir, int port) {
    return new GifmachineConfig(
        "127.0.0.1", port, generatePassword(), true, DatabaseSettings.embedded(dataDir));
  }

  public GifmachineConfig withHost(String newHost) {
    return new GifmachineConfig(
        newHost, port, password, passwordGenerated, database, searchCacheBytes);
  }

  public GifmachineConfig withPort(int newPort) {
    return new GifmachineConfig(
        host, newPort, password, passwordGenerated, database, searchCacheBytes);
  }

  public GifmachineConfig withPassword(String newPassword) {
    return new GifmachineConfig(host, port, newPassword, false, database, searchCacheBytes);
  }

  public GifmachineConfig withDatabase(DatabaseSettings newDatabase) {
    return new GifmachineConfig(
        host, port, password, passwordGenerated, newDatabase, searchCacheBytes);
  }

  /** The same, keeping at most {@code bytes} of search pages in memory (0: none). */
  public GifmachineConfig withSearchCacheBytes(long bytes) {
    return new GifmachineConfig(host, port, password, passwordGenerated, database, bytes);
  }

  /** Whether the database is the embedded one, which is what "local mode" means. */
  public boolean localMode() {
    return database.embedded();
  }

  @Override
  public String toString() {
    // Records print every component; the password must never reach a log.
    return "GifmachineConfig[host="
        + host
        + ", port="
        + port
        + ", database="
        + database
        + ", searchCacheBytes="
        + searchCacheBytes
        + "]";
  }

  private static int parsePort(String value) {
    if (value.isEmpty()) {
      return DEFAULT_PORT;
    }
    try {
      int port = Integer.parseInt(value);
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new GifmachineStartupException(
        "PORT is not a port number: got \"" + value + "\"",
        "set PORT to a number from 1 to 65535 (default 4567), or unset it");
  }

  /** Megabytes for search pages: up to 1024, so a typo cannot promise the heap away. */
  private static long parseSearchCacheMegabytes(String value) {
    if (value.isEmpty()) {
      return SearchCache.DEFAULT_MAX_BYTES;
    }
    try {
      int megabytes = Integer.parseInt(value);
      if (megabytes >= 0 && megabytes <= 1024) {
        return (long) megabytes << 20;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new GifmachineStartupException(
        "GIFMACHINE_SEARCH_CACHE_MB is not a size in megabytes: got \"" + value + "\"",
        "set it to a whole number from 0 (no search cache) to 1024, or unset it for the default 8");
  }

  private static String generatePassword() {
    byte[] bytes = new byte[18];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
