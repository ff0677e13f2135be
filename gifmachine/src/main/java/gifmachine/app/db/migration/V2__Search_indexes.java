package gifmachine.app.db.migration;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code pg_trgm} extension that search's trigram index needs. The indexes themselves are built
 * after the app serves, concurrently, by {@link gifmachine.app.gif.SearchIndexes} (this migration
 * built three per-column ones before serving up to version 0.1; they are dropped once the new one
 * is valid). Where {@code pg_trgm} cannot be created (no extension, no privilege), search keeps
 * working without a trigram index and this logs one warning. The class keeps its name: Flyway
 * checks applied migrations' descriptions.
 */
public class V2__Search_indexes extends BaseJavaMigration {
  private static final Logger logger = LoggerFactory.getLogger(V2__Search_indexes.class);

  @Override
  public void migrate(Context context) throws SQLException {
    Connection connection = context.getConnection();
    Savepoint beforeExtension = connection.setSavepoint();
    try (Statement s = connection.createStatement()) {
      s.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm");
      connection.releaseSavepoint(beforeExtension);
    } catch (SQLException e) {
      connection.rollback(beforeExtension);
      logger.warn(
          "search trigram index skipped: pg_trgm is unavailable ({}); /search still works, rare"
              + " terms scanning the table. To add it later: CREATE EXTENSION pg_trgm as a"
              + " privileged user, then restart",
          e.getMessage().lines().findFirst().orElse(""));
    }
  }
}
