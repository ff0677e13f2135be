package gifmachine.app.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import gifmachine.app.GifmachineStartupException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;

/**
 * The connection pool, the migrations, and (in local mode) the embedded PostgreSQL server.
 * Migrations baseline on an existing {@code gifs} table from the Ruby original at version 1
 * ("original schema"), leaving ActiveRecord's {@code schema_migrations} and {@code
 * ar_internal_metadata} alone.
 */
public final class Database implements AutoCloseable {

  private final Optional<EmbeddedServer> embedded;
  private final HikariDataSource pool;
  private final String jdbcUrl;
  private final Properties credentials;

  private Database(
      Optional<EmbeddedServer> embedded,
      HikariDataSource pool,
      String jdbcUrl,
      Properties credentials) {
    this.embedded = embedded;
    this.pool = pool;
    this.jdbcUrl = jdbcUrl;
    this.credentials = credentials;
  }

  /**
   * Starts embedded PostgreSQL if asked to, opens the pool and migrates.
   *
   * @throws GifmachineStartupException if the database cannot be reached or migrated
   */
  public static Database open(DatabaseSettings settings) {
    Optional<EmbeddedServer> embedded = Optional.empty();
    String jdbcUrl;
    Properties credentials = new Properties();
    switch (settings) {
      case DatabaseSettings.Embedded e -> {
        EmbeddedServer pg = EmbeddedServer.start(e.dataDir(), e.supervision());
        embedded = Optional.of(pg);
        jdbcUrl = "jdbc:postgresql://127.0.0.1:" + pg.port() + "/postgres";
        credentials.setProperty("user", "postgres");
      }
      case DatabaseSettings.External x -> {
        jdbcUrl = x.jdbcUrl();
        if (!x.user().isEmpty()) {
          credentials.setProperty("user", x.user());
        }
        if (!x.password().isEmpty()) {
          credentials.setProperty("password", x.password());
        }
      }
    }
    HikariConfig config = new HikariConfig();
    config.setPoolName("gifmachine");
    config.setJdbcUrl(jdbcUrl);
    config.setDataSourceProperties(credentials);
    config.setMaximumPoolSize(
        settings instanceof DatabaseSettings.External x
            ? x.maximumPoolSize()
            : DatabaseSettings.DEFAULT_POOL_SIZE);
    config.setMinimumIdle(2);
    // Fail fast while the database is down: callers answer 503 instead of queueing up.
    config.setConnectionTimeout(1500);
    config.setValidationTimeout(1000);
    config.setKeepaliveTime(Duration.ofSeconds(60).toMillis());
    config.setInitializationFailTimeout(-1);
    config.addDataSourceProperty("connectTimeout", "3");
    config.addDataSourceProperty("socketTimeout", "30");
    config.addDataSourceProperty("ApplicationName", "gifmachine");
    HikariDataSource pool = new HikariDataSource(config);
    Database database = new Database(embedded, pool, jdbcUrl, credentials);
    try {
      database.migrate();
    } catch (RuntimeException e) {
      database.close();
      throw e;
    }
    return database;
  }

  /**
   * False once the embedded PostgreSQL has died and failed to restart too often in a row: the app
   * cannot recover by itself, so {@code /healthz} fails and the platform restarts it. Always true
   * for an external server, which the app neither runs nor can restart.
   */
  public boolean recoverable() {
    return embedded.map(pg -> !pg.lost()).orElse(true);
  }

  /** The embedded server's postmaster while it runs, for tests that crash it. */
  public Optional<ProcessHandle> embeddedPostmaster() {
    return embedded.flatMap(EmbeddedServer::postmaster);
  }

  public DataSource dataSource() {
    return pool;
  }

  /** A connection outside the pool, for the long-lived LISTEN. */
  public Connection openDedicated() throws SQLException {
    Properties props = new Properties();
    props.putAll(credentials);
    props.setProperty("ApplicationName", "gifmachine-listen");
    props.setProperty("connectTimeout", "3");
    props.setProperty("tcpKeepAlive", "true");
    return DriverManager.getConnection(jdbcUrl, props);
  }

  /**
   * The newest migration in {@code gifmachine/app/db/migration}; {@code OriginalSchemaIT} checks
   * this against what Flyway finds, so it cannot go stale unnoticed.
   */
  public static final String NEWEST_MIGRATION = "2";

  private void migrate() {
    if (schemaIsCurrent()) {
      // Flyway and the Jackson it configures itself with are ~800 classes: a fifth of a start.
      return;
    }
    try {
      Flyway.configure()
          .dataSource(pool)
          .locations("classpath:gifmachine/app/db/migration")
          .baselineOnMigrate(true)
          .baselineVersion("1")
          .baselineDescription("original schema")
          .connectRetries(0)
          .load()
          .migrate();
    } catch (FlywayException e) {
      throw new GifmachineStartupException(
          "database migration failed: " + rootMessage(e),
          "check that the database at "
              + jdbcUrl
              + " is reachable and that the user may create tables and indexes");
    }
  }

  /** True when the newest migration already succeeded here: nothing for Flyway to do. */
  private boolean schemaIsCurrent() {
    try (Connection c = pool.getConnection();
        java.sql.Statement s = c.createStatement();
        java.sql.ResultSet rs =
            s.executeQuery(
                "SELECT version FROM flyway_schema_history WHERE success"
                    + " ORDER BY installed_rank DESC LIMIT 1")) {
      return rs.next() && NEWEST_MIGRATION.equals(rs.getString(1));
    } catch (SQLException e) {
      return false; // no history yet (a new or adopted database), or unreadable: let Flyway decide
    }
  }

  /** The most telling message in a cause chain: the innermost SQL error's first sentence. */
  static String rootMessage(Throwable e) {
    Throwable chosen = null;
    Throwable innermost = e;
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      innermost = t;
      if (t instanceof java.sql.SQLException) {
        chosen = t;
      }
    }
    chosen = chosen == null ? innermost : chosen;
    String message = String.valueOf(chosen.getMessage()).lines().findFirst().orElse("");
    int sentence = message.indexOf(". ");
    return sentence > 0 ? message.substring(0, sentence) : message;
  }

  @Override
  public void close() {
    pool.close();
    embedded.ifPresent(EmbeddedServer::close);
  }
}
