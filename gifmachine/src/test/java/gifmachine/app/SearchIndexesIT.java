package gifmachine.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import gifmachine.app.db.Database;
import gifmachine.app.db.DatabaseSettings;
import gifmachine.app.gif.SearchIndexes;
import gifmachine.app.gif.SearchText;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The search indexes are built concurrently after the app serves: an adopted database with rows is
 * searchable (by table scan) and ready before they exist, and an index a crash left INVALID is
 * dropped and rebuilt.
 */
class SearchIndexesIT {

  private static final String ORIGINAL_TABLE =
      "CREATE TABLE gifs (id serial primary key, url character varying, who character varying,"
          + " \"when\" timestamp without time zone, meme_top character varying,"
          + " meme_bottom character varying)";
  private static final String ROWS =
      "INSERT INTO gifs (url, who, \"when\", meme_top, meme_bottom)"
          + " SELECT 'https://example.com/' || i || '.gif', 'user' || (i % 100), now(),"
          + " 'top text ' || i, 'bottom text ' || (i % 50) FROM generate_series(1, 5000) AS i";

  @Test
  void an_adopted_database_is_served_while_its_search_indexes_wait_to_be_built()
      throws SQLException {
    DatabaseSettings settings =
        adopted(
            // An earlier version's per-column index, replaced by the joined-text one.
            "CREATE EXTENSION pg_trgm",
            "CREATE INDEX gifs_who_trgm ON gifs USING gin (lower(who) gin_trgm_ops)");
    String name = TestPostgres.databaseName(settings);
    try (Connection blocker = connect(name);
        Statement s = blocker.createStatement()) {
      // Holds off every index build (they take this lock first), not reads or posts: as a long
      // build on a big table would.
      blocker.setAutoCommit(false);
      s.execute("LOCK TABLE gifs IN SHARE UPDATE EXCLUSIVE MODE");

      try (Gifmachine app =
          Gifmachine.start(new GifmachineConfig("127.0.0.1", 0, "s3cret", false, settings))) {
        Clients clients = new Clients(app.baseUri());
        assertThat(clients.get("/readyz").statusCode()).isEqualTo(200);
        assertThat(clients.get("/search?query=USER42").body()).contains("top text 4942 - ");
        assertThat(
                clients
                    .postForm(
                        "/gif",
                        Map.of(
                            "url", "https://example.com/n.gif", "who", "New", "secret", "s3cret"))
                    .statusCode())
            .isEqualTo(200);
        assertThat(
                OriginalSchemaIT.column(
                    blocker, "SELECT relname FROM pg_class" + " WHERE relname LIKE 'gifs_search%'"))
            .isEmpty();

        blocker.commit();
        OriginalSchemaIT.awaitIndexes(
            name, "gifs_pkey", "gifs_search_fit", "gifs_search_long", "gifs_search_trgm");
        assertThat(clients.get("/search?query=USER42").body()).contains("top text 4942 - ");
        assertThat(clients.get("/search?query=new").body()).contains("by New - ");
      }
    }
  }

  @Test
  void version_0_2s_walk_index_which_refused_long_texts_is_dropped_and_long_texts_are_stored()
      throws SQLException {
    DatabaseSettings settings =
        adopted(
            "CREATE EXTENSION pg_trgm",
            // Verbatim as version 0.2 built it.
            "CREATE INDEX gifs_search_walk ON gifs ((-id), ("
                + SearchText.BUILTIN.expression()
                + ")) INCLUDE (id, who, meme_top, meme_bottom)");
    String name = TestPostgres.databaseName(settings);
    // 500 characters each, the most the API takes: three-byte ideographs in no pattern an index
    // could compress, then a word to search for.
    String longest =
        new Random(12)
                .ints(494, 0x4E00, 0xA000)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append)
            + "LongZz";
    try (Connection c = connect(name);
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO gifs (url, who, meme_top, meme_bottom) VALUES ('u', ?, ?, ?)")) {
      for (int i = 1; i <= 3; i++) {
        s.setString(i, longest);
      }
      assertThatThrownBy(s::execute)
          .isInstanceOfSatisfying(
              SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("54000"));
    }

    try (Gifmachine app =
        Gifmachine.start(new GifmachineConfig("127.0.0.1", 0, "s3cret", false, settings))) {
      OriginalSchemaIT.awaitIndexes(
          name, "gifs_pkey", "gifs_search_fit", "gifs_search_long", "gifs_search_trgm");
      Clients clients = new Clients(app.baseUri());
      var posted =
          clients.postForm(
              "/gif",
              Map.of(
                  "url", "https://example.com/long.gif",
                  "who", longest,
                  "meme_top", longest,
                  "meme_bottom", longest,
                  "secret", "s3cret"));
      assertThat(posted.statusCode()).isEqualTo(200);
      assertThat(clients.get("/search?query=longzz").body())
          .contains(longest + " - " + longest + "</a>&nbsp;by " + longest);
      assertThat(clients.get("/search?query=USER42").body()).contains("top text 4942 - ");
    }
  }

  @Test
  void an_index_left_invalid_by_an_interrupted_build_is_dropped_and_rebuilt() throws SQLException {
    DatabaseSettings settings = adopted();
    String name = TestPostgres.databaseName(settings);
    try (Connection c = connect(name);
        Statement s = c.createStatement()) {
      // A concurrent build that fails half-way leaves its index behind, INVALID: here a unique
      // index over duplicate values, under the name of a search index and with the wrong columns.
      try {
        s.execute("CREATE UNIQUE INDEX CONCURRENTLY gifs_search_trgm ON gifs (who)");
      } catch (SQLException expected) {
        assertThat(expected.getSQLState()).isEqualTo("23505");
      }
      assertThat(
              OriginalSchemaIT.column(
                  c,
                  "SELECT indisvalid::text FROM pg_index"
                      + " WHERE indexrelid = 'gifs_search_trgm'::regclass"))
          .containsExactly("false");
    }

    try (Gifmachine app =
        Gifmachine.start(new GifmachineConfig("127.0.0.1", 0, "s3cret", false, settings))) {
      OriginalSchemaIT.awaitIndexes(
          name, "gifs_pkey", "gifs_search_fit", "gifs_search_long", "gifs_search_trgm");
      assertThat(new Clients(app.baseUri()).get("/search?query=top%20TEXT%20123").body())
          .contains("top text 1234 - ");
    }
    try (Connection c = connect(name)) {
      assertThat(OriginalSchemaIT.column(c, "SELECT pg_get_indexdef('gifs_search_trgm'::regclass)"))
          .singleElement()
          .asString()
          .contains("USING gin", "gin_trgm_ops", "COLLATE pg_c_utf8");
    }
  }

  @Test
  void a_database_user_that_does_not_own_the_table_gives_up_on_the_indexes_and_still_searches()
      throws SQLException {
    DatabaseSettings settings = adopted();
    String name = TestPostgres.databaseName(settings);
    DatabaseSettings tenant = TestPostgres.newRole("tenant", name);
    String role = ((DatabaseSettings.External) tenant).user();
    TestPostgres.execute(
        name,
        "GRANT SELECT, INSERT ON gifs TO " + role,
        "GRANT USAGE ON SEQUENCE gifs_id_seq TO " + role);
    Database.open(tenant).close(); // migrations as that user: baseline, no pg_trgm

    SearchIndexes indexes =
        new SearchIndexes(
            () -> DriverManager.getConnection(TestPostgres.jdbcUrl(name), role, "pw"),
            SearchText.BUILTIN);
    indexes.start();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> indexes.outcome() == SearchIndexes.Outcome.REFUSED);
    indexes.close();

    try (Gifmachine app =
        Gifmachine.start(new GifmachineConfig("127.0.0.1", 0, "s3cret", false, tenant))) {
      assertThat(new Clients(app.baseUri()).get("/search?query=USER42").body())
          .contains("top text 4942 - ");
    }
    try (Connection c = connect(name)) {
      assertThat(
              OriginalSchemaIT.column(
                  c, "SELECT relname FROM pg_class" + " WHERE relname LIKE 'gifs_search%'"))
          .isEmpty();
    }
  }

  /** A new database as the Ruby original left it, with rows, then {@code statements}. */
  private static DatabaseSettings adopted(String... statements) {
    DatabaseSettings settings = TestPostgres.newDatabase();
    String[] all = new String[statements.length + 2];
    all[0] = ORIGINAL_TABLE;
    all[1] = ROWS;
    System.arraycopy(statements, 0, all, 2, statements.length);
    TestPostgres.execute(TestPostgres.databaseName(settings), all);
    return settings;
  }

  private static Connection connect(String database) throws SQLException {
    return DriverManager.getConnection(TestPostgres.jdbcUrl(database), "postgres", "");
  }
}
