package gifmachine.app.gif;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * The one place search text is lower-cased: in PostgreSQL, with one named collation, for the stored
 * text (an index expression over who, meme_top and meme_bottom) and the searched text alike. Java's
 * and the server's lower-casing disagree ({@code "ΣΊΣΥΦΟΣ".toLowerCase()} ends in a final sigma,
 * {@code "İ"} gains a combining dot), so the app never lower-cases itself.
 *
 * <p>The collation is {@code pg_c_utf8} (PostgreSQL 17's built-in provider: Unicode simple case
 * mapping, the same on every platform and immune to C library upgrades, so an index on it never
 * goes stale); on an older server the database's default collation, which matches what the original
 * app's {@code lower()} did.
 *
 * <pre>{@code SearchText text = SearchText.detect(dataSource); text.expression()}</pre>
 */
public record SearchText(String collation) {

  /**
   * Joins the three columns in {@link #expression()}. A query without it cannot match across two
   * columns, so one {@code LIKE} over the joined text equals the three separate ones.
   */
  public static final char SEPARATOR = '\u001f';

  /** PostgreSQL 17's built-in collation with Unicode case mapping. */
  public static final SearchText BUILTIN = new SearchText("pg_c_utf8");

  /** A server older than 17: the database default, as {@code lower(col)} had before. */
  public static final SearchText DATABASE_DEFAULT = new SearchText("\"default\"");

  /** {@link #BUILTIN} where the server has it, else {@link #DATABASE_DEFAULT}. */
  public static SearchText detect(DataSource dataSource) {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT count(*) FROM pg_collation WHERE collname = 'pg_c_utf8'")) {
      rs.next();
      return rs.getInt(1) > 0 ? BUILTIN : DATABASE_DEFAULT;
    } catch (SQLException e) {
      throw new DatabaseUnavailableException(e);
    }
  }

  /**
   * The lower-cased, joined text a row is searched by. Indexes are built on exactly this expression
   * and queries repeat it verbatim: the planner matches them by their text.
   */
  public String expression() {
    return "lower((coalesce(who, '') || E'\\x1f' || coalesce(meme_top, '') || E'\\x1f'"
        + " || coalesce(meme_bottom, '')) COLLATE "
        + collation
        + ")";
  }

  /** {@code sql} (a text expression, e.g. a parameter) lower-cased the same way. */
  public String lower(String sql) {
    return "lower(CAST(" + sql + " AS text) COLLATE " + collation + ")";
  }
}
