package gifmachine.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import gifmachine.app.db.DatabaseSettings;
import gifmachine.app.gif.GifStore;
import gifmachine.app.gif.NewGif;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/** Two instances on one database, as behind a load balancer. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FanOutIT {
  private Gifmachine a;
  private Gifmachine b;
  private DatabaseSettings db;

  @BeforeAll
  void start() {
    db = TestPostgres.newDatabase();
    a = Gifmachine.start(new GifmachineConfig("127.0.0.1", 0, "shared", false, db));
    b = Gifmachine.start(new GifmachineConfig("127.0.0.1", 0, "shared", false, db));
  }

  @AfterAll
  void stop() {
    a.close();
    b.close();
  }

  @Test
  void a_client_on_one_instance_receives_a_gif_posted_to_the_other() {
    Clients onA = new Clients(a.baseUri());
    Clients onB = new Clients(b.baseUri());
    try (Clients.Socket socket = onA.socket()) {
      socket.next(5); // the greeting

      var posted =
          onB.postForm(
              "/gif",
              Map.of(
                  "url",
                  "https://example.com/from-b.gif",
                  "meme_top",
                  "posted to",
                  "meme_bottom",
                  "instance b",
                  "secret",
                  "shared"));
      assertThat(posted.statusCode()).isEqualTo(200);

      assertThat(socket.next(5))
          .isEqualTo(
              "{\"type\":\"gif\",\"url\":\"https://example.com/from-b.gif\","
                  + "\"meme_top\":\"posted to\",\"meme_bottom\":\"instance b\"}");
      assertThat(onA.get("/gif").body()).contains("from-b.gif");
    }
  }

  @Test
  void a_reload_posted_to_one_instance_reloads_kiosks_on_both() {
    Clients onA = new Clients(a.baseUri());
    Clients onB = new Clients(b.baseUri());
    try (Clients.Socket onASocket = onA.socket();
        Clients.Socket onBSocket = onB.socket()) {
      onASocket.next(5);
      onBSocket.next(5);

      assertThat(onB.postForm("/reload", Map.of("secret", "shared")).statusCode()).isEqualTo(200);

      assertThat(onASocket.nextContaining("reload", 5)).isEqualTo("{\"type\":\"reload\"}");
      assertThat(onBSocket.nextContaining("reload", 5)).isEqualTo("{\"type\":\"reload\"}");
    }
  }

  @Test
  void a_search_on_one_instance_shows_a_gif_posted_to_the_other_at_once() {
    Clients onA = new Clients(a.baseUri());
    Clients onB = new Clients(b.baseUri());
    String search = "/search?query=Numbat";
    // Until A's feed listens its searches bypass the cache; wait for one answered from memory.
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              assertThat(onA.getHtml(search).body()).doesNotContain("a numbat");
              return searchPages(onA, "hit") > 0;
            });

    assertThat(
            onB.postForm(
                    "/gif",
                    Map.of(
                        "url", "https://example.com/numbat.gif",
                        "meme_top", "a numbat",
                        "secret", "shared"))
                .statusCode())
        .isEqualTo(200);

    // No wait for B's notification: A's probe of the newest id already tells it.
    assertThat(onA.getHtml(search).body()).contains("a numbat");
  }

  /** A's count of search pages answered {@code answer}-wise, from its metrics. */
  private static double searchPages(Clients on, String answer) {
    Matcher m =
        Pattern.compile("gifmachine_search_pages_total\\{answer=\"" + answer + "\"} (\\S+)")
            .matcher(on.get("/metrics").body());
    return m.find() ? Double.parseDouble(m.group(1)) : 0;
  }

  @Test
  void each_client_sees_a_gif_once_even_on_the_posting_instance() throws InterruptedException {
    Clients onB = new Clients(b.baseUri());
    try (Clients.Socket socket = onB.socket()) {
      socket.next(5);
      onB.postForm("/gif", Map.of("url", "https://example.com/once.gif", "secret", "shared"));

      assertThat(socket.next(5)).contains("once.gif");
      assertThat(socket.messages.poll(1, java.util.concurrent.TimeUnit.SECONDS)).isNull();
    }
  }

  @Test
  void gifs_at_the_notify_size_limit_reach_the_other_instance_whole_or_by_id() throws Exception {
    Clients onA = new Clients(a.baseUri());
    Clients onB = new Clients(b.baseUri());
    // Three-byte characters fill the payload towards PostgreSQL's limit within the field limits.
    String url = "https://example.com/" + "€".repeat(1500) + ".gif";
    String wide = "€".repeat(500);
    try (Connection listen =
            DriverManager.getConnection(
                ((DatabaseSettings.External) db).jdbcUrl(), "postgres", "");
        Clients.Socket socket = onA.socket()) {
      listen.createStatement().execute("LISTEN gifmachine");
      socket.next(5);
      long id;
      String probe;
      do { // three posts follow: their ids must print with as many digits
        id = postedId(onB.postForm("/gif", gif(url, wide, "")));
        probe = nextPayload(listen);
        socket.nextContaining("meme_bottom\":\"\"", 5);
      } while (Long.toString(id).length() != Long.toString(id + 2).length());
      int room = GifStore.NOTIFY_PAYLOAD_LIMIT - 1 - utf8Length(probe);
      assertThat(probe).contains("\"url\"");
      assertThat(room).isBetween(1, NewGif.MAX_TEXT_LENGTH - 1);

      postedId(onB.postForm("/gif", gif(url, wide, "b".repeat(room))));
      String largest = nextPayload(listen);
      assertThat(utf8Length(largest)).isEqualTo(GifStore.NOTIFY_PAYLOAD_LIMIT - 1);
      assertThat(largest).contains("\"url\"", "b".repeat(room));
      assertThat(socket.nextContaining("b".repeat(room), 5)).contains(url, wide);

      long byId = postedId(onB.postForm("/gif", gif(url, wide, "c".repeat(room + 1))));
      String tooLarge = nextPayload(listen);
      assertThat(tooLarge).doesNotContain("\"url\"").contains("\"id\" : " + byId);
      assertThat(socket.nextContaining("c".repeat(room + 1), 5)).contains(url, wide);
    }
  }

  private static Map<String, String> gif(String url, String text, String bottom) {
    return Map.of(
        "url", url, "who", text, "meme_top", text, "meme_bottom", bottom, "secret", "shared");
  }

  private static long postedId(java.net.http.HttpResponse<String> posted) {
    assertThat(posted.statusCode()).isEqualTo(200);
    Matcher id = Pattern.compile("\"id\":(\\d+)").matcher(posted.body());
    assertThat(id.find()).isTrue();
    return Long.parseLong(id.group(1));
  }

  private static String nextPayload(Connection listen) throws SQLException {
    PGNotification[] notifications = listen.unwrap(PGConnection.class).getNotifications(5000);
    assertThat(notifications).hasSize(1);
    return notifications[0].getParameter();
  }

  private static int utf8Length(String text) {
    return text.getBytes(StandardCharsets.UTF_8).length;
  }
}
