package gifmachine.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import gifmachine.app.db.Database;
import gifmachine.app.db.DatabaseSettings;
import gifmachine.app.gif.Gif;
import gifmachine.app.gif.GifStore;
import gifmachine.app.gif.SearchIndexes;
import gifmachine.app.gif.SearchText;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Search through the new indexes returns exactly what the original query returned, in the same
 * order, on generated rows full of LIKE's special characters, mixed case and Unicode whose
 * lower-casing differs between Java and PostgreSQL. The same rows sit in two databases, one without
 * the search indexes (table scans) and one with them, where each plan is forced in turn.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SearchIT {
  private static final int ROWS = 2000;

  /**
   * Every so many rows, one whose texts are too long for {@code gifs_search_fit}: its fields are
   * padded to the 500-character limit with two-byte letters.
   */
  private static final int LONG_EVERY = 40;

  private static final List<String> TOKENS =
      List.of(
          "cat",
          "Cat",
          "CAT",
          "dog",
          "100%",
          "50%_off",
          "a_b",
          "under_score",
          "back\\slash",
          "\\",
          "%",
          "_",
          "ΣΊΣΥΦΟΣ",
          "σίσυφος",
          "Σίσυφος",
          "İstanbul",
          "ISTANBUL",
          "istanbul",
          "ıi",
          "straße",
          "STRASSE",
          "Ǆ",
          "ǅ",
          "ǆ",
          "ὈΔΥΣΣΕΎΣ",
          "😀 grin",
          "naïve",
          "NAÏVE",
          "ﬁsh",
          "x\u001fy",
          "top text",
          "Bottom",
          "K",
          "\u212a",
          "Å",
          "\u212b");

  private DatabaseSettings plain;
  private DatabaseSettings indexed;
  private List<String> queries;
  private final List<HikariDataSource> pools = new ArrayList<>();

  @BeforeAll
  void fill() throws SQLException {
    plain = TestPostgres.newDatabase();
    indexed = TestPostgres.newDatabase();
    for (DatabaseSettings settings : List.of(plain, indexed)) {
      Database.open(settings).close(); // the app's migrations: the table, pg_trgm
      insertRows(settings, new Random(42));
    }
    SearchIndexes indexes = new SearchIndexes(() -> connect(indexed, ""), SearchText.BUILTIN);
    indexes.start();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> indexes.outcome() == SearchIndexes.Outcome.DONE);
    indexes.close();
    queries = queries(new Random(7));
  }

  @AfterAll
  void dropDatabases() {
    pools.forEach(HikariDataSource::close);
    TestPostgres.execute(
        "postgres",
        "DROP DATABASE " + TestPostgres.databaseName(plain),
        "DROP DATABASE " + TestPostgres.databaseName(indexed));
  }

  @Test
  void without_the_indexes_search_returns_what_the_original_query_returned() throws SQLException {
    assertEveryQueryMatchesTheReference(plain, "");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "the planner's choice, '', '', ''",
    "the newest-first walks, -c enable_seqscan=off -c enable_bitmapscan=off -c enable_sort=off,"
        + " gifs_search_fit, gifs_search_long",
    "the trigram index, -c enable_seqscan=off -c enable_indexscan=off -c enable_indexonlyscan=off,"
        + " gifs_search_trgm, gifs_search_trgm",
  })
  void through_each_index_search_returns_what_the_original_query_returned(
      String plan, String options, String fitting, String longer) throws SQLException {
    if (!fitting.isEmpty()) {
      assertThat(explain(options, SearchIndexes.fitsTheWalk(SearchText.BUILTIN)))
          .as("the plan forced for %s, rows that fit the walk", plan)
          .contains(fitting);
      assertThat(explain(options, SearchIndexes.overflowsTheWalk(SearchText.BUILTIN)))
          .as("the plan forced for %s, longer rows", plan)
          .contains(longer);
    }
    assertEveryQueryMatchesTheReference(indexed, options);
  }

  @Test
  void the_generated_rows_include_texts_too_long_for_the_covering_index() throws SQLException {
    try (Connection c = connect(indexed, "");
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(*) FROM gifs WHERE "
                    + SearchIndexes.overflowsTheWalk(SearchText.BUILTIN))) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(ROWS / LONG_EVERY);
    }
  }

  /** The plan of one branch of search's query for a common term, under {@code options}. */
  private String explain(String options, String rows) throws SQLException {
    try (Connection c = connect(indexed, options);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "EXPLAIN SELECT id FROM gifs WHERE "
                    + rows
                    + " AND "
                    + SearchText.BUILTIN.expression()
                    + " LIKE '%cat%' ORDER BY -id LIMIT 33")) {
      StringBuilder explained = new StringBuilder();
      while (rs.next()) {
        explained.append(rs.getString(1)).append('\n');
      }
      return explained.toString();
    }
  }

  @Test
  void words_are_found_by_their_own_spelling_whatever_java_makes_of_their_case()
      throws SQLException {
    GifStore store = store(indexed, "");
    try (Connection c = connect(indexed, "")) {
      for (String word : List.of("ΣΊΣΥΦΟΣ", "İstanbul", "ὈΔΥΣΣΕΎΣ", "straße", "Ǆ")) {
        List<Gif> found = store.search(word, 1).gifs();
        assertThat(found)
            .as(word)
            .anyMatch(g -> (g.who() + g.memeTop() + g.memeBottom()).contains(word));
        for (Gif g : found) {
          assertThat(searchLowered(c, g.who() + "|" + g.memeTop() + "|" + g.memeBottom()))
              .contains(searchLowered(c, word));
        }
      }
      // What Java's lower-casing makes of these never matched what PostgreSQL stored:
      assertThat(searchLowered(c, "ΣΊΣΥΦΟΣ")).isNotEqualTo("ΣΊΣΥΦΟΣ".toLowerCase(Locale.ROOT));
      assertThat(searchLowered(c, "İstanbul")).isNotEqualTo("İstanbul".toLowerCase(Locale.ROOT));
    }
    assertThat(store.search("σίσυφοσ", 1).gifs()).isNotEmpty();
    assertThat(store.search("istanbul", 1).gifs())
        .anyMatch(g -> (g.who() + g.memeTop() + g.memeBottom()).contains("İstanbul"));
  }

  /**
   * Every query, every page: the new search against the definition (each column lower-cased by
   * PostgreSQL, LIKE with the query's %, _ and \ escaped), and that definition against the original
   * query verbatim wherever Java's lower-casing of the query agrees with PostgreSQL's.
   */
  private void assertEveryQueryMatchesTheReference(DatabaseSettings settings, String options)
      throws SQLException {
    GifStore store = store(settings, options);
    int agreeing = 0;
    int disagreeing = 0;
    try (Connection c = connect(settings, "")) {
      for (String query : queries) {
        List<Long> expected = definition(c, query);
        List<Long> actual = new ArrayList<>();
        for (int page = 1; ; page++) {
          GifStore.Page result = store.search(query, page);
          result.gifs().forEach(g -> actual.add(g.id()));
          if (!result.hasNext() || page == 4) {
            break;
          }
        }
        assertThat(actual)
            .as("query %s", printable(query))
            .isEqualTo(expected.subList(0, Math.min(expected.size(), actual.size())));
        assertThat(actual.size())
            .as("query %s", printable(query))
            .isEqualTo(Math.min(expected.size(), 4 * GifStore.PAGE_SIZE));
        if (lowered(c, query).equals(query.toLowerCase(Locale.ROOT))) {
          agreeing++;
          assertThat(original(c, query))
              .as("original query %s", printable(query))
              .isEqualTo(expected);
        } else {
          disagreeing++;
        }
      }
    }
    assertThat(agreeing).isGreaterThan(queries.size() / 2);
    assertThat(disagreeing).isPositive();
  }

  /** What search means: a case-insensitive substring of who, meme_top or meme_bottom. */
  private static List<Long> definition(Connection c, String query) throws SQLException {
    String p = "lower(CAST(? AS text) COLLATE pg_c_utf8)";
    return ids(
        c,
        "SELECT id FROM gifs WHERE lower(who COLLATE pg_c_utf8) LIKE "
            + p
            + " OR lower(meme_top COLLATE pg_c_utf8) LIKE "
            + p
            + " OR lower(meme_bottom COLLATE pg_c_utf8) LIKE "
            + p
            + " ORDER BY id DESC",
        "%" + escapeLike(query) + "%");
  }

  /** The query as the app ran it before: lower-cased by Java, the columns by PostgreSQL. */
  private static List<Long> original(Connection c, String query) throws SQLException {
    return ids(
        c,
        "SELECT id FROM gifs WHERE lower(who) LIKE ? OR lower(meme_top) LIKE ?"
            + " OR lower(meme_bottom) LIKE ? ORDER BY id DESC",
        "%" + escapeLike(query.toLowerCase(Locale.ROOT)) + "%");
  }

  private static List<Long> ids(Connection c, String sql, String pattern) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 1; i <= 3; i++) {
        s.setString(i, pattern);
      }
      try (ResultSet rs = s.executeQuery()) {
        List<Long> ids = new ArrayList<>();
        while (rs.next()) {
          ids.add(rs.getLong(1));
        }
        return ids;
      }
    }
  }

  private static String escapeLike(String value) {
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }

  private static String lowered(Connection c, String text) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT lower(CAST(? AS text))")) {
      s.setString(1, text);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  private static String searchLowered(Connection c, String text) throws SQLException {
    try (PreparedStatement s = c.prepareStatement("SELECT " + SearchText.BUILTIN.lower("?"))) {
      s.setString(1, text);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getString(1);
      }
    }
  }

  /** Rows of 0-4 tokens per field, some NULL, some holding the search text's separator. */
  private static void insertRows(DatabaseSettings settings, Random random) throws SQLException {
    try (Connection c = connect(settings, "");
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO gifs (url, who, \"when\", meme_top, meme_bottom)"
                    + " VALUES (?, ?, now(), ?, ?)")) {
      for (int i = 0; i < ROWS; i++) {
        boolean tooLong = i % LONG_EVERY == LONG_EVERY / 2;
        s.setString(1, "https://example.com/" + i + ".gif");
        s.setString(2, tooLong ? longField(random) : field(random));
        s.setString(3, tooLong ? longField(random) : field(random));
        s.setString(4, tooLong ? longField(random) : field(random));
        s.addBatch();
      }
      s.executeBatch();
    }
  }

  private static String field(Random random) {
    if (random.nextInt(10) == 0) {
      return null;
    }
    StringBuilder text = new StringBuilder();
    int tokens = random.nextInt(5);
    for (int t = 0; t < tokens; t++) {
      if (t > 0 && random.nextBoolean()) {
        text.append(' ');
      }
      text.append(TOKENS.get(random.nextInt(TOKENS.size())));
    }
    return text.toString();
  }

  /** A field's random tokens padded with Greek to 500 characters (over 900 bytes). */
  private static String longField(Random random) {
    String tokens = String.valueOf(field(random));
    return (tokens + " " + "ΣΊΣΥΦΟΣ ".repeat(70)).substring(0, 500);
  }

  /** Every token, random substrings of generated text in several cases, and cross-column bits. */
  private static List<String> queries(Random random) {
    Set<String> queries = new LinkedHashSet<>(TOKENS);
    queries.addAll(List.of("%%", "\\%", "_%", "%_", "\\\\", "t\u001fc", "\u001f", "s\u001fb", " "));
    // Several words: the trigram index is asked only for the longest (IndexedPart), the whole
    // term filters. Common and rare parts that differ, words too short to index, wildcards.
    queries.addAll(
        List.of(
            "cat dog",
            "dog cat",
            "CAT under_score",
            "a cat",
            "ca t",
            "at do",
            "cat 100%",
            "100% cat",
            "50%_off a_b",
            "a_b 50%_off",
            "% cat",
            "_ dog",
            "\\ back\\slash",
            "back\\slash \\",
            "σίσυφος ΣΊΣΥΦΟΣ",
            "ΣΊΣΥΦΟΣ cat",
            "😀 grin",
            "cat  dog",
            " cat",
            "cat ",
            "under_score dog cat"));
    for (int i = 0; i < 40; i++) {
      String text = field(random);
      if (text == null || text.isEmpty()) {
        continue;
      }
      int from = random.nextInt(text.length());
      int to = Math.min(text.length(), from + 1 + random.nextInt(8));
      if (Character.isLowSurrogate(text.charAt(from))
          || (to < text.length() && Character.isLowSurrogate(text.charAt(to)))) {
        continue;
      }
      String piece = text.substring(from, to);
      queries.add(piece);
      queries.add(piece.toUpperCase(Locale.ROOT));
      queries.add(piece + "\u001f" + field(random));
    }
    return new ArrayList<>(queries);
  }

  /** A store on one pooled connection with the given planner settings. */
  private GifStore store(DatabaseSettings settings, String options) {
    HikariDataSource pool = new HikariDataSource();
    pool.setJdbcUrl(((DatabaseSettings.External) settings).jdbcUrl());
    pool.setUsername("postgres");
    pool.setMaximumPoolSize(1);
    if (!options.isEmpty()) {
      pool.addDataSourceProperty("options", options);
    }
    pools.add(pool);
    return new GifStore(pool, "unused", SearchText.BUILTIN);
  }

  private static Connection connect(DatabaseSettings settings, String options) throws SQLException {
    java.util.Properties props = new java.util.Properties();
    props.setProperty("user", "postgres");
    if (!options.isEmpty()) {
      props.setProperty("options", options);
    }
    return DriverManager.getConnection(((DatabaseSettings.External) settings).jdbcUrl(), props);
  }

  private static String printable(String query) {
    return query.replace("\u001f", "<US>");
  }
}
