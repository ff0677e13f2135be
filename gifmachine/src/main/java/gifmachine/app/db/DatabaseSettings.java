package gifmachine.app.db;

import gifmachine.app.GifmachineStartupException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Where Gifmachine's data lives: an {@link External} PostgreSQL server (RDS, or any server named by
 * {@code DATABASE_URL}), or {@link Embedded} PostgreSQL whose files sit in a directory.
 *
 * <pre>{@code
 * DatabaseSettings.fromEnvironment(Map.of("DATABASE_URL", "postgres://gif:pw@db:5432/gifmachine"))
 * }</pre>
 */
public sealed interface DatabaseSettings {

  /** True for embedded PostgreSQL, which is what local mode means. */
  default boolean embedded() {
    return this instanceof Embedded;
  }

  static DatabaseSettings embedded(Path dataDir) {
    return new Embedded(dataDir, EmbeddedSupervision.DEFAULT);
  }

  static DatabaseSettings embedded(Path dataDir, EmbeddedSupervision supervision) {
    return new Embedded(dataDir, supervision);
  }

  /** Connections in the pool unless {@code DATABASE_POOL_SIZE} says otherwise. */
  int DEFAULT_POOL_SIZE = 16;

  static DatabaseSettings external(String jdbcUrl, String user, String password) {
    return new External(jdbcUrl, user, password, DEFAULT_POOL_SIZE);
  }

  /**
   * A server we connect to; {@code user} and {@code password} may be empty for URL-only auth.
   * {@code maximumPoolSize} is what the deployment gives each task of the server's connections.
   */
  record External(String jdbcUrl, String user, String password, int maximumPoolSize)
      implements DatabaseSettings {
    @Override
    public String toString() {
      return "External[" + jdbcUrl + ", user=" + user + "]";
    }
  }

  /**
   * PostgreSQL started by the app itself, data kept in {@code dataDir} across restarts, and
   * restarted by the app when it dies.
   */
  record Embedded(Path dataDir, EmbeddedSupervision supervision) implements DatabaseSettings {}

  /**
   * Reads {@code DATABASE_URL} ({@code postgres://user:pass@host:port/db} or a {@code
   * jdbc:postgresql://} URL), else {@code DATABASE_HOST} and friends, and {@code
   * DATABASE_POOL_SIZE}. Empty when no server is set.
   */
  static Optional<DatabaseSettings> fromEnvironment(Map<String, String> env) {
    String sslMode = value(env, "DATABASE_SSLMODE").orElse("prefer");
    int poolSize = poolSize(env);
    Optional<String> url = value(env, "DATABASE_URL");
    if (url.isPresent()) {
      External external = (External) fromUrl(url.get(), sslMode);
      return Optional.of(
          new External(external.jdbcUrl(), external.user(), external.password(), poolSize));
    }
    Optional<String> host = value(env, "DATABASE_HOST");
    if (host.isEmpty()) {
      for (String name : new String[] {"DATABASE_USER", "DATABASE_PASSWORD", "DATABASE_NAME"}) {
        if (value(env, name).isPresent()) {
          throw new GifmachineStartupException(
              name + " is set but DATABASE_HOST is not: cannot tell which server to use",
              "set DATABASE_HOST (and DATABASE_PORT, DATABASE_NAME, DATABASE_USER,"
                  + " DATABASE_PASSWORD), or DATABASE_URL, or unset them all for local mode");
        }
      }
      return Optional.empty();
    }
    String port = value(env, "DATABASE_PORT").orElse("5432");
    if (!port.matches("\\d{1,5}")) {
      throw new GifmachineStartupException(
          "DATABASE_PORT is not a port number: got \"" + port + "\"",
          "set DATABASE_PORT to the server's port (default 5432)");
    }
    String name = value(env, "DATABASE_NAME").orElse("gifmachine");
    String jdbcUrl =
        "jdbc:postgresql://" + host.get() + ":" + port + "/" + name + "?sslmode=" + sslMode;
    return Optional.of(
        new External(
            jdbcUrl,
            value(env, "DATABASE_USER").orElse(""),
            value(env, "DATABASE_PASSWORD").orElse(""),
            poolSize));
  }

  private static int poolSize(Map<String, String> env) {
    String size = value(env, "DATABASE_POOL_SIZE").orElse(Integer.toString(DEFAULT_POOL_SIZE));
    if (!size.matches("\\d{1,3}") || Integer.parseInt(size) < 1) {
      throw new GifmachineStartupException(
          "DATABASE_POOL_SIZE is not a pool size: got \"" + size + "\"",
          "set DATABASE_POOL_SIZE to the connections one task may open, 1 to 999 (default "
              + DEFAULT_POOL_SIZE
              + "), or unset it");
    }
    return Integer.parseInt(size);
  }

  private static DatabaseSettings fromUrl(String url, String sslMode) {
    if (url.startsWith("jdbc:postgresql:")) {
      return external(withSslMode(url, sslMode), "", "");
    }
    if (!url.startsWith("postgres://") && !url.startsWith("postgresql://")) {
      throw badUrl("it must start with postgres://, postgresql:// or jdbc:postgresql://");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw badUrl("it is not a valid URL (" + e.getReason() + ")");
    }
    if (uri.getHost() == null) {
      throw badUrl("it names no host");
    }
    String user = "";
    String password = "";
    if (uri.getRawUserInfo() != null) {
      String[] parts = uri.getRawUserInfo().split(":", 2);
      user = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
      password = parts.length > 1 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "";
    }
    String database =
        uri.getPath() == null || uri.getPath().length() <= 1 ? "/postgres" : uri.getPath();
    String jdbcUrl =
        "jdbc:postgresql://"
            + uri.getHost()
            + ":"
            + (uri.getPort() == -1 ? 5432 : uri.getPort())
            + database
            + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    return external(withSslMode(jdbcUrl, sslMode), user, password);
  }

  private static String withSslMode(String jdbcUrl, String sslMode) {
    if (jdbcUrl.contains("sslmode=")) {
      return jdbcUrl;
    }
    return jdbcUrl + (jdbcUrl.contains("?") ? "&" : "?") + "sslmode=" + sslMode;
  }

  private static GifmachineStartupException badUrl(String why) {
    // Never echo the URL itself: it usually carries the database password.
    return new GifmachineStartupException(
        "DATABASE_URL is not usable: " + why,
        "set DATABASE_URL like postgres://user:password@host:5432/gifmachine");
  }

  private static Optional<String> value(Map<String, String> env, String name) {
    return Optional.ofNullable(env.get(name)).map(String::strip).filter(v -> !v.isEmpty());
  }
}
