package gifmachine.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import gifmachine.app.db.Database;
import gifmachine.app.db.DatabaseSettings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

/**
 * A database as the Ruby original left it (its table, ActiveRecord's bookkeeping, rows with NULLs)
 * is read by our app unchanged, and migrated around without being disturbed.
 */
class OriginalSchemaIT {

  /** What ActiveRecord 6 ran for the original's init migration, plus its own tables. */
  private static final String[] ORIGINAL_SCHEMA = {
    "CREATE TABLE gifs (id serial primary key, url character varying, who character varying,"
        + " \"when\" timestamp without time zone, meme_top character varying,"
        + " meme_bottom character varying)",
    "CREATE TABLE schema_migrations (version character varying NOT NULL PRIMARY KEY)",
    "INSERT INTO schema_migrations VALUES ('20200224212737')",
    "CREATE TABLE ar_internal_metadata (key character varying NOT NULL PRIMARY KEY,"
        + " value character varying, created_at timestamp(6) NOT NULL,"
        + " updated_at timestamp(6) NOT NULL)",
    "INSERT INTO ar_internal_metadata VALUES ('environment', 'production', now(), now())",
    "INSERT INTO gifs (url, who, \"when\", meme_top, meme_bottom) VALUES"
        + " ('http://example.com/old1.gif', 'alice', '2015-03-04 05:06:07', 'old top', 'old bottom'),"
        + " ('http://example.com/old2.gif', NULL, NULL, NULL, NULL),"
        + " ('http://example.com/old3.gif', 'carol', '2019-12-31 23:59:59', 'newest', 'row')"
  };

  @Test
  void an_existing_original_database_is_read_unchanged_and_keeps_working() throws SQLException {
    DatabaseSettings settings = TestPostgres.newDatabase();
    String name = TestPostgres.databaseName(settings);
    TestPostgres.execute(name, ORIGINAL_SCHEMA);

    try (Gifmachine app =
        Gifmachine.start(new GifmachineConfig("127.0.0.1", 0, "s3cret", false, settings))) {
      Clients clients = new Clients(app.baseUri());

      assertThat(clients.get("/gif").body())
          .isEqualTo(
              "{\"type\":\"gif\",\"url\":\"http://example.com/old3.gif\",\"meme_top\":\"newest\","
                  + "\"meme_bottom\":\"row\"}");
      String history = clients.get("/history").body();
      assertThat(history)
          .contains(
              "<a href=\"/view/1\">old top - old bottom</a>&nbsp;by alice - Wednesday March 4 2015 at 5:06:07am",
              "<a href=\"/view/2\"> - </a>&nbsp;by  - ",
              "by carol - Tuesday December 31 2019 at 11:59:59pm");
      assertThat(clients.get("/search?query=ALICE").body()).contains("old top - old bottom");
      assertThat(clients.get("/view/2").statusCode()).isEqualTo(200);

      var posted =
          clients.postForm(
              "/gif",
              Map.of("url", "https://example.com/new.gif", "who", "java", "secret", "s3cret"));
      assertThat(posted.statusCode()).isEqualTo(200);
      assertThat(posted.body()).contains("\"id\":4");
      awaitIndexes(name, "gifs_pkey", "gifs_search_fit", "gifs_search_long", "gifs_search_trgm");
    }

    try (Connection c = DriverManager.getConnection(TestPostgres.jdbcUrl(name), "postgres", "")) {
      assertThat(column(c, "SELECT version FROM schema_migrations"))
          .containsExactly("20200224212737");
      assertThat(column(c, "SELECT value FROM ar_internal_metadata")).containsExactly("production");
      assertThat(
              column(
                  c,
                  "SELECT version || ':' || description FROM flyway_schema_history ORDER BY installed_rank"))
          .containsExactly("1:original schema", "2:Search indexes");
      assertThat(column(c, "SELECT who FROM gifs WHERE id = 4")).containsExactly("java");
    }
  }

  @Test
  void without_the_right_to_create_pg_trgm_search_still_works_without_its_indexes()
      throws SQLException {
    DatabaseSettings owned = TestPostgres.newDatabase();
    String name = TestPostgres.databaseName(owned);
    DatabaseSettings restricted = TestPostgres.newRole("plain", name);

    try (Gifmachine app =
        Gifmachine.start(new GifmachineConfig("127.0.0.1", 0, "s3cret", false, restricted))) {
      Clients clients = new Clients(app.baseUri());
      clients.postForm(
          "/gif",
          Map.of(
              "url", "https://example.com/t.gif", "meme_top", "Trigram-less", "secret", "s3cret"));
      assertThat(clients.get("/search?query=GRAM-LE").body()).contains("Trigram-less - ");
      awaitIndexes(name, "gifs_pkey", "gifs_search_fit", "gifs_search_long");
      assertThat(clients.get("/search?query=GRAM-LE").body()).contains("Trigram-less - ");
    }

    try (Connection c = DriverManager.getConnection(TestPostgres.jdbcUrl(name), "postgres", "")) {
      assertThat(column(c, "SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'")).isEmpty();
      assertThat(
              column(
                  c,
                  "SELECT version || ':' || success FROM flyway_schema_history ORDER BY installed_rank"))
          .containsExactly("1:true", "2:true");
    }
  }

  @Test
  void the_migration_a_start_checks_for_to_skip_flyway_is_the_newest_one() {
    DatabaseSettings settings = TestPostgres.newDatabase();
    Database.open(settings).close();
    String newest =
        Flyway.configure()
            .dataSource(TestPostgres.jdbcUrl(TestPostgres.databaseName(settings)), "postgres", "")
            .locations("classpath:gifmachine/app/db/migration")
            .load()
            .info()
            .current()
            .getVersion()
            .getVersion();
    assertThat(Database.NEWEST_MIGRATION).isEqualTo(newest);
  }

  @Test
  void a_new_database_gets_the_original_table_definition() throws SQLException {
    DatabaseSettings settings = TestPostgres.newDatabase();
    try (Gifmachine app =
        Gifmachine.start(new GifmachineConfig("127.0.0.1", 0, "s3cret", false, settings))) {
      assertThat(new Clients(app.baseUri()).get("/gif").body()).contains("welcome to");
    }
    try (Connection c =
        DriverManager.getConnection(
            TestPostgres.jdbcUrl(TestPostgres.databaseName(settings)), "postgres", "")) {
      assertThat(
              column(
                  c,
                  "SELECT column_name || ' ' || data_type FROM information_schema.columns"
                      + " WHERE table_name = 'gifs' ORDER BY ordinal_position"))
          .containsExactly(
              "id integer",
              "url character varying",
              "who character varying",
              "when timestamp without time zone",
              "meme_top character varying",
              "meme_bottom character varying");
    }
  }

  /** The search indexes are built in the background after start (see SearchIndexes). */
  static void awaitIndexes(String database, String... names) {
    await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () -> {
              try (Connection c =
                  DriverManager.getConnection(TestPostgres.jdbcUrl(database), "postgres", "")) {
                assertThat(
                        column(
                            c,
                            "SELECT c.relname FROM pg_index i JOIN pg_class c"
                                + " ON c.oid = i.indexrelid WHERE i.indrelid = 'gifs'::regclass"
                                + " AND i.indisvalid ORDER BY 1"))
                    .containsExactly(names);
              }
            });
  }

  static List<String> column(Connection c, String sql) throws SQLException {
    List<String> values = new ArrayList<>();
    try (ResultSet rs = c.createStatement().executeQuery(sql)) {
      while (rs.next()) {
        values.add(rs.getString(1));
      }
    }
    return values;
  }
}
