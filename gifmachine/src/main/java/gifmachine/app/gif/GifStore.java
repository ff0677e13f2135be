package gifmachine.app.gif;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.postgresql.PGStatement;

/**
 * The {@code gifs} table, exactly as the Ruby original created it ({@code id, url, who, "when",
 * meme_top, meme_bottom}; {@code "when"} is a UTC timestamp without time zone, as ActiveRecord
 * wrote it). Every SQL failure surfaces as {@link DatabaseUnavailableException}.
 */
public final class GifStore {

  /** PostgreSQL's SQLSTATE 54000 (e.g. an index row over its size limit). */
  private static final String PROGRAM_LIMIT_EXCEEDED = "54000";

  /** History and search pages hold 32 gifs, as the original's will_paginate did. */
  public static final int PAGE_SIZE = 32;

  /**
   * Rows asked for a page: one more than it shows tells whether a next page exists without a
   * COUNT(*), which costs a full scan at a million rows.
   */
  private static final int ROWS_ASKED = PAGE_SIZE + 1;

  private static final String COLUMNS = "id, url, who, \"when\", meme_top, meme_bottom";

  private final DataSource dataSource;
  private final String notifyChannel;
  private final SearchText searchText;

  /**
   * @param notifyChannel the LISTEN/NOTIFY channel told about each insert, in the same transaction,
   *     so other instances learn of a gif exactly when it is committed
   * @param searchText how {@link #search} lower-cases, the same as {@link SearchIndexes}
   */
  public GifStore(DataSource dataSource, String notifyChannel, SearchText searchText) {
    this.dataSource = dataSource;
    this.notifyChannel = notifyChannel;
    this.searchText = searchText;
  }

  /** A page of gifs, newest first, and whether an older page exists. */
  public record Page(List<Gif> gifs, int number, boolean hasNext) {}

  /**
   * PostgreSQL refuses a NOTIFY payload of this many bytes or more ("must be shorter than 8000
   * bytes" in the default configuration): https://www.postgresql.org/docs/17/sql-notify.html
   */
  public static final int NOTIFY_PAYLOAD_LIMIT = 8000;

  /**
   * Stores a gif with {@code when} = now and notifies {@code notifyChannel} with {@code
   * {"origin":…,"type":"gif","id":…,"url":…,"who":…,"when":…,"meme_top":…,"meme_bottom":…}}, the
   * whole gif, so receivers need no query. The fields' length limits ({@link NewGif}) keep that
   * under {@link #NOTIFY_PAYLOAD_LIMIT} for any ordinary text; only text dense in characters JSON
   * escapes six-fold (control characters) can exceed it, and then the payload carries the id alone
   * and receivers read the row.
   */
  public Gif insert(NewGif gif, String origin) {
    Instant now = Instant.now();
    String sql =
        "WITH g AS (INSERT INTO gifs (url, who, \"when\", meme_top, meme_bottom)"
            + " VALUES (?, ?, ?, ?, ?) RETURNING *),"
            + " m AS (SELECT g.id, json_build_object('origin', CAST(? AS text), 'type', 'gif',"
            + " 'id', g.id, 'url', g.url, 'who', g.who,"
            // Always six digits of seconds' fractions: a payload's length depends on the text only.
            + " 'when', to_char(g.\"when\", 'YYYY-MM-DD\"T\"HH24:MI:SS.US'),"
            + " 'meme_top', g.meme_top, 'meme_bottom', g.meme_bottom)::text AS whole FROM g)"
            + " SELECT m.id, pg_notify(?, CASE WHEN octet_length(m.whole) < "
            + NOTIFY_PAYLOAD_LIMIT
            + " THEN m.whole ELSE json_build_object('origin', CAST(? AS text), 'type', 'gif',"
            + " 'id', m.id)::text END) FROM m";
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, gif.url());
      s.setString(2, gif.who());
      s.setObject(3, LocalDateTime.ofInstant(now, ZoneOffset.UTC));
      s.setString(4, gif.memeTop());
      s.setString(5, gif.memeBottom());
      s.setString(6, origin);
      s.setString(7, notifyChannel);
      s.setString(8, origin);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return new Gif(rs.getLong(1), gif.url(), gif.who(), now, gif.memeTop(), gif.memeBottom());
      }
    } catch (SQLException e) {
      if (PROGRAM_LIMIT_EXCEEDED.equals(e.getSQLState())) {
        // An index row over b-tree's limit: not ours since SearchIndexes bounds its entries, but
        // version 0.2's walk index until a newer start drops it, or one an operator added. The
        // gif is input this database cannot hold, not an outage.
        throw new InvalidInputException(
            "who, meme_top, meme_bottom", "together too long for the search index; shorten them");
      }
      throw new DatabaseUnavailableException(e);
    }
  }

  /**
   * Tells every instance listening on the channel something, e.g. {@code {"type":"reload"}}. (Not
   * {@code notifyAll}: that name is {@link Object#notifyAll()}'s.)
   */
  public void publish(String payload) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT pg_notify(?, ?)")) {
      s.setString(1, notifyChannel);
      s.setString(2, payload);
      s.execute();
    } catch (SQLException e) {
      throw new DatabaseUnavailableException(e);
    }
  }

  /**
   * The highest id stored, 0 for none: one step down the primary key, and after a few calls on a
   * connection a statement PostgreSQL no longer plans (the driver prepares it on the server).
   */
  public long newestId() {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT coalesce(max(id), 0) FROM gifs");
        ResultSet rs = s.executeQuery()) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new DatabaseUnavailableException(e);
    }
  }

  /** The newest gif (highest id, as ActiveRecord's {@code Gif.last} chose). */
  public Optional<Gif> latest() {
    List<Gif> gifs = query("SELECT " + COLUMNS + " FROM gifs ORDER BY id DESC LIMIT 1", s -> {});
    return gifs.stream().findFirst();
  }

  public Optional<Gif> find(long id) {
    return query("SELECT " + COLUMNS + " FROM gifs WHERE id = ?", s -> s.setLong(1, id)).stream()
        .findFirst();
  }

  /** Page {@code number} (1-based) of all gifs, newest first. */
  public Page history(int number) {
    List<Gif> rows =
        query(
            "SELECT " + COLUMNS + " FROM gifs ORDER BY id DESC LIMIT ? OFFSET ?",
            s -> {
              s.setInt(1, ROWS_ASKED);
              s.setLong(2, offset(number));
            });
    return page(rows, number);
  }

  /**
   * Page {@code number} of gifs whose who, meme_top or meme_bottom contain {@code query}, case
   * insensitively, newest first. Unlike the original, {@code %} and {@code _} in the query match
   * themselves. Both sides are lower-cased by PostgreSQL ({@link SearchText}).
   *
   * <p>The ids are found first, in two branches that match {@link SearchIndexes}' two walks: rows
   * whose entry fits {@code gifs_search_fit} and the rare longer ones. Each is ordered by {@code
   * -id}, which only those indexes yield, so for a common term the planner walks them newest-first
   * (the first reading the lower-cased text from the index itself) and stops after enough rows; for
   * a rare term it takes the trigram index and sorts the few matches. (Ordered by {@code id}, the
   * primary key would also qualify, and the planner, not knowing that the covering index spares it
   * the table and the lower-casing, picks the key.) Each branch yields at most the rows up to the
   * end of the page; the page is cut from both, then its rows are read by id.
   */
  public Page search(String query, int number) {
    String lowered = searchText.lower("?");
    String part = IndexedPart.of(query);
    boolean filtered = !part.equals(query);
    // A query holding the separator could match across two columns in the joined text: then
    // each column is also checked on its own (never the case for anything typed in a search box).
    // The empty query, too: it matches every row's joined text, the old query only rows with a
    // non-NULL column.
    boolean spansColumns = query.isEmpty() || query.indexOf(SearchText.SEPARATOR) >= 0;
    String matches =
        searchText.expression()
            + " LIKE "
            + lowered
            // The index is asked for the rare part only; the whole term is a filter on the
            // candidates that the trigram index cannot take (strpos is no indexable operator)
            // and the newest-first walk reads from its own column. The planner guesses a
            // third of rows pass it, not the tiny share it guesses for a long LIKE, so a common
            // phrase still walks.
            + (filtered ? " AND strpos(" + searchText.expression() + ", " + lowered + ") > 0" : "")
            + (spansColumns
                ? " AND ("
                    + searchText.lower("who")
                    + " LIKE "
                    + lowered
                    + " OR "
                    + searchText.lower("meme_top")
                    + " LIKE "
                    + lowered
                    + " OR "
                    + searchText.lower("meme_bottom")
                    + " LIKE "
                    + lowered
                    + ")"
                : "");
    String sql =
        "SELECT g.id, g.url, g.who, g.\"when\", g.meme_top, g.meme_bottom FROM gifs g JOIN"
            + " (SELECT id FROM ((SELECT id FROM gifs WHERE "
            + SearchIndexes.fitsTheWalk(searchText)
            + " AND "
            + matches
            + " ORDER BY -id LIMIT ?) UNION ALL (SELECT id FROM gifs WHERE "
            + SearchIndexes.overflowsTheWalk(searchText)
            + " AND "
            + matches
            + " ORDER BY -id LIMIT ?)) found ORDER BY -id LIMIT ? OFFSET ?) page"
            + " ON page.id = g.id ORDER BY g.id DESC";
    List<String> patterns = new ArrayList<>();
    patterns.add("%" + escapeLike(part) + "%");
    if (filtered) {
      patterns.add(query);
    }
    if (spansColumns) {
      patterns.addAll(Collections.nCopies(3, "%" + escapeLike(query) + "%"));
    }
    long offset = offset(number);
    List<Gif> rows =
        query(
            sql,
            s -> {
              // Plan with the actual pattern every time: a cached generic plan cannot judge the
              // pattern's selectivity, so it cannot choose between the walks and the trigram
              // index.
              s.unwrap(PGStatement.class).setPrepareThreshold(0);
              int i = 1;
              for (int branch = 0; branch < 2; branch++) {
                for (String pattern : patterns) {
                  s.setString(i++, pattern);
                }
                s.setLong(i++, offset + ROWS_ASKED);
              }
              s.setInt(i++, ROWS_ASKED);
              s.setLong(i, offset);
            });
    return page(rows, number);
  }

  /** True when the database answers a trivial query. */
  public boolean reachable() {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement()) {
      s.setQueryTimeout(2);
      s.execute("SELECT 1");
      return true;
    } catch (SQLException e) {
      return false;
    }
  }

  /** How many rows come before page {@code number} (1-based). */
  private static long offset(int number) {
    return (long) (number - 1) * PAGE_SIZE;
  }

  /** The page of {@code rows} asked with {@link #ROWS_ASKED}. */
  private static Page page(List<Gif> rows, int number) {
    boolean hasNext = rows.size() > PAGE_SIZE;
    return new Page(hasNext ? rows.subList(0, PAGE_SIZE) : rows, number, hasNext);
  }

  private List<Gif> query(String sql, Binder binder) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      binder.bind(s);
      try (ResultSet rs = s.executeQuery()) {
        List<Gif> gifs = new ArrayList<>();
        while (rs.next()) {
          gifs.add(read(rs));
        }
        return gifs;
      }
    } catch (SQLException e) {
      throw new DatabaseUnavailableException(e);
    }
  }

  private static Gif read(ResultSet rs) throws SQLException {
    LocalDateTime when = rs.getObject(4, LocalDateTime.class);
    return new Gif(
        rs.getLong(1),
        text(rs.getString(2)),
        text(rs.getString(3)),
        when == null ? Instant.EPOCH : when.toInstant(ZoneOffset.UTC),
        text(rs.getString(5)),
        text(rs.getString(6)));
  }

  private static String text(String value) {
    return value == null ? "" : value;
  }

  private static String escapeLike(String value) {
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }

  @FunctionalInterface
  private interface Binder {
    void bind(PreparedStatement statement) throws SQLException;
  }
}
