package gifmachine.app;

import gifmachine.app.db.DatabaseSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL for the whole test JVM (starting one costs seconds); each test class gets a
 * database of its own on it, so classes never see each other's rows.
 */
final class TestPostgres {
  private static EmbeddedPostgres server;
  private static final AtomicInteger databases = new AtomicInteger();

  private TestPostgres() {}

  static synchronized EmbeddedPostgres server() {
    if (server == null) {
      try {
        server = EmbeddedPostgres.builder().start();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return server;
  }

  /** A fresh, empty database on the shared server. */
  static DatabaseSettings newDatabase() {
    String name = "gifs_" + ProcessHandle.current().pid() + "_" + databases.incrementAndGet();
    execute("postgres", "CREATE DATABASE " + name);
    return DatabaseSettings.external(jdbcUrl(name), "postgres", "");
  }

  /**
   * Settings for a new login role (password {@code pw}) that may connect to {@code database} and
   * create tables in its public schema, but not extensions (pg_trgm is trusted: creating it takes
   * CREATE on the database) and owns nothing yet.
   */
  static DatabaseSettings newRole(String prefix, String database) {
    String role = prefix + "_" + database;
    execute(
        "postgres",
        "CREATE ROLE " + role + " LOGIN PASSWORD 'pw'",
        "GRANT CONNECT ON DATABASE " + database + " TO " + role);
    execute(database, "GRANT CREATE, USAGE ON SCHEMA public TO " + role);
    return DatabaseSettings.external(jdbcUrl(database), role, "pw");
  }

  static String jdbcUrl(String database) {
    return "jdbc:postgresql://127.0.0.1:" + server().getPort() + "/" + database;
  }

  static void execute(String database, String... sql) {
    try (Connection c = DriverManager.getConnection(jdbcUrl(database), "postgres", "");
        Statement s = c.createStatement()) {
      for (String statement : sql) {
        s.execute(statement);
      }
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  static String databaseName(DatabaseSettings settings) {
    String url = ((DatabaseSettings.External) settings).jdbcUrl();
    return url.substring(url.lastIndexOf('/') + 1);
  }
}
