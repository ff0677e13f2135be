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
 * Trigram indexes so {@code /search} (a substring match on lower-cased who, meme_top and
 * meme_bottom) stays fast at a million rows. {@code /history} needs none: it walks the primary
 * key backwards. Where {@code pg_trgm} cannot be created (no extension, no privilege), search
 * keeps working without the indexes and this logs one warning.
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
          "search indexes skipped: pg_trgm is unavailable ({}); /search still works, scanning"
              + " the table. To add them later: CREATE EXTENSION pg_trgm as a privileged user,"
              + " then CREATE INDEX ... USING gin (lower(who) gin_trgm_ops) for who, meme_top"
              + " and meme_bottom",
          e.getMessage().lines().findFirst().orElse(""));
      return;
    }
    try (Statement s = connection.createStatement()) {
      for (String column : new String[] {"who", "meme_top", "meme_bottom"}) {
        s.execute(
            "CREATE INDEX IF NOT EXISTS gifs_"
                + column
                + "_trgm ON gifs USING gin (lower("
                + column
                + ") gin_trgm_ops)");
      }
    }
  }
}
