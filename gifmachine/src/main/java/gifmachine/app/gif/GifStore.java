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
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.sql.DataSource;
import org.postgresql.PGStatement;

/**
 * The {@code gifs} table, exactly as the Ruby original created it ({@code id, url, who, "when",
 * meme_top, meme_bottom}; {@code "when"} is a UTC timestamp without time zone, as ActiveRecord
 * wrote it). Every SQL failure surfaces as {@link DatabaseUnavailableException}.
 */
public final class GifStore {

  /** History and search pages hold 32 gifs, as the original's will_paginate did. */
  public static final int PAGE_SIZE = 32;

  private static final String COLUMNS = "id, url, who, \"when\", meme_top, meme_bottom";

  private final DataSource dataSource;
  private final String notifyChannel;

  /**
   * @param notifyChannel the LISTEN/NOTIFY channel told about each insert, in the same
   *     transaction, so other instances learn of a gif exactly when it is committed
   */
  public GifStore(DataSource dataSource, String notifyChannel) {
    this.dataSource = dataSource;
    this.notifyChannel = notifyChannel;
  }

  /** A page of gifs, newest first, and whether an older page exists. */
  public record Page(List<Gif> gifs, int number, boolean hasNext) {}

  /**
   * Stores a gif with {@code when} = now and notifies {@code notifyChannel} with {@code
   * {"origin":…,"type":"gif","id":…}}.
   */
  public Gif insert(NewGif gif, String origin) {
    Instant now = Instant.now();
    String sql =
        "WITH g AS (INSERT INTO gifs (url, who, \"when\", meme_top, meme_bottom)"
            + " VALUES (?, ?, ?, ?, ?) RETURNING id)"
            + " SELECT g.id, pg_notify(?, json_build_object('origin', ?::text, 'type', 'gif',"
            + " 'id', g.id)::text) FROM g";
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, gif.url());
      s.setString(2, gif.who());
      s.setObject(3, LocalDateTime.ofInstant(now, ZoneOffset.UTC));
      s.setString(4, gif.memeTop());
      s.setString(5, gif.memeBottom());
      s.setString(6, notifyChannel);
      s.setString(7, origin);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return new Gif(rs.getLong(1), gif.url(), gif.who(), now, gif.memeTop(), gif.memeBottom());
      }
    } catch (SQLException e) {
      throw new DatabaseUnavailableException(e);
    }
  }

  /** Tells every instance listening on the channel something, e.g. {@code {"type":"reload"}}. */
  public void notifyAll(String payload) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT pg_notify(?, ?)")) {
      s.setString(1, notifyChannel);
      s.setString(2, payload);
      s.execute();
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
    return query("SELECT " + COLUMNS + " FROM gifs WHERE id = ?", s -> s.setLong(1, id))
        .stream()
        .findFirst();
  }

  /** Page {@code number} (1-based) of all gifs, newest first. */
  public Page history(int number) {
    return page(
        "SELECT " + COLUMNS + " FROM gifs ORDER BY id DESC LIMIT ? OFFSET ?", number, 1, s -> {});
  }

  /**
   * Page {@code number} of gifs whose who, meme_top or meme_bottom contain {@code query}, case
   * insensitively. Unlike the original, {@code %} and {@code _} in the query match themselves.
   */
  public Page search(String query, int number) {
    String pattern = "%" + escapeLike(query.toLowerCase(Locale.ROOT)) + "%";
    return page(
        "SELECT "
            + COLUMNS
            + " FROM gifs WHERE lower(who) LIKE ? OR lower(meme_top) LIKE ?"
            + " OR lower(meme_bottom) LIKE ? ORDER BY id DESC LIMIT ? OFFSET ?",
        number,
        4,
        s -> {
          // Plan with the actual pattern every time: a cached generic plan cannot judge the
          // pattern's selectivity and walks the primary key through the whole table (measured:
          // 2.4 s at a million rows for a term with no match, against 0.3 ms with the trigram
          // indexes a custom plan picks).
          s.unwrap(PGStatement.class).setPrepareThreshold(0);
          s.setString(1, pattern);
          s.setString(2, pattern);
          s.setString(3, pattern);
        });
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

  private Page page(String sql, int number, int limitIndex, Binder binder) {
    long offset = (long) (number - 1) * PAGE_SIZE;
    List<Gif> rows =
        query(
            sql,
            s -> {
              binder.bind(s);
              // One more row than a page tells whether a next page exists without a COUNT(*),
              // which costs a full scan at a million rows.
              s.setInt(limitIndex, PAGE_SIZE + 1);
              s.setLong(limitIndex + 1, offset);
            });
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
