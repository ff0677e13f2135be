package gifmachine.app.gif;

import gifmachine.app.db.ConnectionWorker;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the search indexes in the background, after the app serves: on a database adopted from the
 * Ruby original with a million rows the builds take tens of seconds, during which search works
 * (scanning, slower) and {@code /readyz} is already green. Builds run {@code CREATE INDEX
 * CONCURRENTLY}, which neither blocks posts nor may run inside a transaction, hence not in a Flyway
 * migration (those run in one). Every start checks; once the indexes are valid that costs two
 * catalog queries.
 *
 * <ul>
 *   <li>{@code gifs_search_fit}: a b-tree on {@code (-id, search text)} covering id, who, meme_top
 *       and meme_bottom, for every row whose index entry fits a b-tree page ({@link #fitsTheWalk}).
 *       A common term walks it newest-first without touching the table or lower-casing anything,
 *       until a page of matches is found. (The raw columns are included because the planner takes
 *       an index-only scan only when every column the query names is in the index, even where it
 *       needs them only inside the indexed expression:
 *       https://www.postgresql.org/docs/17/indexes-index-only-scans.html)
 *   <li>{@code gifs_search_long}: a b-tree on {@code (-id)} of the rare rows that do not fit, so a
 *       common term walks them newest-first too, reading each from the table.
 *   <li>{@code gifs_search_trgm}: a GIN trigram index on the search text, for rare terms (needs the
 *       {@code pg_trgm} extension, which migration V2 creates where it may).
 * </ul>
 *
 * Why two walks: a b-tree entry holds at most 2,704 bytes ("index row size exceeds btree version 4
 * maximum 2704", SQLSTATE 54000: https://www.postgresql.org/docs/17/btree.html#BTREE-IMPLEMENTATION
 * gives a third of a page). The texts' own limits (500 characters each, up to 3 bytes per
 * character) allow 4,500 bytes raw and as many lower-cased, so one covering index over every row
 * made such a gif impossible to store ({@code gifs_search_walk}, version 0.2, found by {@code
 * PostGifFuzzIT}); it is dropped before anything else is built.
 *
 * <p>Idempotent and crash-safe: instances serialise on an advisory lock, an index left INVALID by
 * an interrupted build (a crash, a stop mid-build) is dropped and rebuilt, and the three per-column
 * trigram indexes of earlier versions are dropped once the new one is valid.
 */
public final class SearchIndexes implements AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(SearchIndexes.class);

  /** Advisory lock key ("gifsrch" in ASCII): one builder at a time across instances. */
  static final long LOCK_KEY = 0x67696673726368L;

  private static final List<String> LEGACY =
      List.of("gifs_who_trgm", "gifs_meme_top_trgm", "gifs_meme_bottom_trgm");

  /** Version 0.2's covering index, which refused long texts: dropped before anything is built. */
  static final String REFUSING_LONG_TEXTS = "gifs_search_walk";

  /**
   * The most bytes of text a {@code gifs_search_fit} entry holds: the raw columns plus the
   * lower-cased joined text. With the id twice, the tuple header, a null bitmap and each value's
   * length word and alignment (under 60 bytes together), an entry stays under b-tree's 2,704.
   * Compression can only make an entry smaller.
   */
  static final int WALK_TEXT_BYTES = 2400;

  private static final Duration MAX_BACKOFF = Duration.ofSeconds(60);

  /** An index this class keeps, by name and the statement that builds it. */
  record Index(String name, String create, boolean needsTrigrams) {}

  private final ConnectionWorker.ConnectionFactory connections;
  private final List<Index> indexes;
  private final ConnectionWorker worker;
  private volatile Outcome outcome = Outcome.PENDING;

  /** Where the builds stand. */
  public enum Outcome {
    /** Not finished: building, waiting for another instance, or retrying after an error. */
    PENDING,
    /** Every index this database can have is valid. */
    DONE,
    /** The database refused for good (e.g. not the table's owner): search works without them. */
    REFUSED
  }

  public SearchIndexes(ConnectionWorker.ConnectionFactory connections, SearchText searchText) {
    this.connections = connections;
    this.indexes = indexes(searchText);
    this.worker = new ConnectionWorker("gifmachine-search-indexes", this::run);
  }

  static List<Index> indexes(SearchText searchText) {
    String text = searchText.expression();
    return List.of(
        new Index(
            "gifs_search_fit",
            "CREATE INDEX CONCURRENTLY gifs_search_fit ON gifs ((-id), ("
                + text
                + ")) INCLUDE (id, who, meme_top, meme_bottom) WHERE "
                + fitsTheWalk(searchText),
            false),
        new Index(
            "gifs_search_long",
            "CREATE INDEX CONCURRENTLY gifs_search_long ON gifs ((-id)) WHERE "
                + overflowsTheWalk(searchText),
            false),
        new Index(
            "gifs_search_trgm",
            "CREATE INDEX CONCURRENTLY gifs_search_trgm ON gifs USING gin (("
                + text
                + ")"
                + " gin_trgm_ops)",
            true));
  }

  /**
   * The rows {@code gifs_search_fit} holds. A query that walks it states this condition verbatim:
   * the planner uses a partial index only for a query whose WHERE implies its predicate.
   */
  public static String fitsTheWalk(SearchText searchText) {
    return walkTextBytes(searchText) + " <= " + WALK_TEXT_BYTES;
  }

  /** The rows {@code gifs_search_long} holds: every row {@link #fitsTheWalk} leaves out. */
  public static String overflowsTheWalk(SearchText searchText) {
    return walkTextBytes(searchText) + " > " + WALK_TEXT_BYTES;
  }

  private static String walkTextBytes(SearchText searchText) {
    return "(octet_length(coalesce(who, '')) + octet_length(coalesce(meme_top, ''))"
        + " + octet_length(coalesce(meme_bottom, '')) + octet_length("
        + searchText.expression()
        + "))";
  }

  public void start() {
    worker.start();
  }

  public Outcome outcome() {
    return outcome;
  }

  private void run() {
    Duration backoff = Duration.ofSeconds(1);
    while (worker.running()) {
      try (Connection c = connections.open()) {
        worker.using(c);
        ensure(c);
        outcome = Outcome.DONE;
        return;
      } catch (SQLException | RuntimeException e) {
        if (!worker.running()) {
          return;
        }
        String why = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
        if (e instanceof SQLException sql && String.valueOf(sql.getSQLState()).startsWith("42")) {
          // Class 42, e.g. not the table's owner: retrying will not help.
          logger.warn(
              "search indexes not built: {}; search works without them, slower. Let the"
                  + " database user own the gifs table, or build them as its owner: {}",
              why,
              indexes.stream().map(Index::create).toList());
          outcome = Outcome.REFUSED;
          return;
        }
        logger.warn(
            "search indexes: not built yet, retrying in {} s (search works meanwhile, slower): {}",
            backoff.toSeconds(),
            why);
        ConnectionWorker.sleep(backoff);
        Duration doubled = backoff.multipliedBy(2);
        backoff = doubled.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : doubled;
      }
    }
  }

  /**
   * Builds what is missing or invalid, under the advisory lock; autocommit, as CONCURRENTLY needs.
   */
  void ensure(Connection c) throws SQLException {
    c.setAutoCommit(true);
    try (Statement s = c.createStatement()) {
      // Blocks while another instance builds; afterwards everything is found valid.
      s.execute("SELECT pg_advisory_lock(" + LOCK_KEY + ")");
      try {
        if (valid(c, REFUSING_LONG_TEXTS).isPresent()) {
          // It makes long texts impossible to store: gone at once, search slower until the
          // indexes below are built.
          logger.info("dropping search index {}: it refuses long texts", REFUSING_LONG_TEXTS);
          s.execute("DROP INDEX CONCURRENTLY IF EXISTS " + REFUSING_LONG_TEXTS);
        }
        boolean trigrams = hasTrigrams(c);
        boolean built = false;
        for (Index index : indexes) {
          if (index.needsTrigrams() && !trigrams) {
            logger.warn(
                "search index {} skipped: the pg_trgm extension is not installed; rare search"
                    + " terms scan the table. Install it (CREATE EXTENSION pg_trgm, as a"
                    + " privileged user) and restart to add the index",
                index.name());
            continue;
          }
          built |= ensure(s, c, index);
        }
        if (trigrams && valid(c, "gifs_search_trgm").orElse(false)) {
          for (String legacy : LEGACY) {
            s.execute("DROP INDEX CONCURRENTLY IF EXISTS " + legacy);
          }
        }
        if (built) {
          // Statistics on the indexed expression let the planner judge a term's selectivity; the
          // vacuum sets the visibility map, without which the walk reads the table after all.
          s.execute("VACUUM (ANALYZE) gifs");
          logger.info("search indexes ready");
        }
      } finally {
        s.execute("SELECT pg_advisory_unlock(" + LOCK_KEY + ")");
      }
    }
  }

  private boolean ensure(Statement s, Connection c, Index index) throws SQLException {
    Optional<Boolean> valid = valid(c, index.name());
    if (valid.orElse(false)) {
      return false;
    }
    if (valid.isPresent()) {
      logger.info("search index {} is invalid (an interrupted build): rebuilding", index.name());
      s.execute("DROP INDEX CONCURRENTLY IF EXISTS " + index.name());
    }
    logger.info("building search index {} (search works meanwhile, slower)", index.name());
    s.execute(index.create());
    return true;
  }

  /** Empty when there is no such index; else whether it is valid (usable by queries). */
  static Optional<Boolean> valid(Connection c, String name) throws SQLException {
    try (PreparedStatement s =
        c.prepareStatement("SELECT indisvalid FROM pg_index WHERE indexrelid = to_regclass(?)")) {
      s.setString(1, name);
      try (ResultSet rs = s.executeQuery()) {
        return rs.next() ? Optional.of(rs.getBoolean(1)) : Optional.empty();
      }
    }
  }

  private static boolean hasTrigrams(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT count(*) FROM pg_extension WHERE extname = 'pg_trgm'")) {
      rs.next();
      return rs.getInt(1) > 0;
    }
  }

  /** Stops a build in progress (it is left INVALID and redone on the next start). */
  @Override
  public void close() {
    worker.stop();
  }
}
