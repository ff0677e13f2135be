package gifmachine.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import gifmachine.app.db.DatabaseSettings;
import gifmachine.app.db.EmbeddedSupervision;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Local mode's embedded PostgreSQL crashes (kill -9 of the postmaster): no acknowledged gif is
 * lost, the app restarts the server by itself, and {@code /healthz} fails when it cannot.
 */
class EmbeddedDatabaseCrashIT {
  private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");

  @TempDir Path dir;

  @Test
  void every_acknowledged_gif_survives_a_kill_9_of_the_postmaster_under_load() throws Exception {
    EmbeddedSupervision quick =
        new EmbeddedSupervision(
            Duration.ofMillis(200),
            Duration.ofMillis(200),
            Duration.ofSeconds(1),
            10,
            Duration.ofSeconds(30));
    try (Gifmachine app = Gifmachine.start(local(DatabaseSettings.embedded(dir, quick)))) {
      assertThat(setting(app, "fsync")).isEqualTo("on");
      assertThat(setting(app, "synchronous_commit")).isEqualTo("on");
      Clients clients = new Clients(app.baseUri());
      Set<Long> acknowledged = ConcurrentHashMap.newKeySet();
      AtomicInteger afterCrash = new AtomicInteger();
      AtomicBoolean crashed = new AtomicBoolean();
      AtomicBoolean posting = new AtomicBoolean(true);
      ExecutorService posters = Executors.newVirtualThreadPerTaskExecutor();
      for (int i = 0; i < 8; i++) {
        int poster = i;
        posters.submit(
            () -> {
              for (int n = 0; posting.get(); n++) {
                HttpResponse<String> response = post(clients, poster + "-" + n);
                Matcher id = ID.matcher(response.body());
                if (response.statusCode() == 200 && id.find()) {
                  acknowledged.add(Long.parseLong(id.group(1)));
                  if (crashed.get()) {
                    afterCrash.incrementAndGet();
                  }
                }
              }
              return null;
            });
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= 300);
      ProcessHandle postmaster = app.database().embeddedPostmaster().orElseThrow();
      postmaster.destroyForcibly(); // SIGKILL, mid-load
      crashed.set(true);
      postmaster.onExit().join();

      await().atMost(Duration.ofSeconds(60)).until(() -> afterCrash.get() >= 50);
      posting.set(false);
      posters.shutdown();
      await().atMost(Duration.ofSeconds(30)).until(posters::isTerminated);

      assertThat(app.database().embeddedPostmaster())
          .hasValueSatisfying(p -> assertThat(p.pid()).isNotEqualTo(postmaster.pid()));
      Set<Long> stored = storedIds(app);
      Set<Long> lost = new HashSet<>(acknowledged);
      lost.removeAll(stored);
      assertThat(lost).as("acknowledged gifs missing after the crash").isEmpty();
      assertThat(clients.get("/healthz").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void healthz_fails_when_the_embedded_database_cannot_come_back_and_recovers_when_it_can()
      throws IOException {
    EmbeddedSupervision impatient =
        new EmbeddedSupervision(
            Duration.ofMillis(100),
            Duration.ofMillis(100),
            Duration.ofMillis(200),
            2,
            Duration.ofSeconds(3));
    try (Gifmachine app = Gifmachine.start(local(DatabaseSettings.embedded(dir, impatient)))) {
      Clients clients = new Clients(app.baseUri());
      assertThat(clients.get("/healthz").statusCode()).isEqualTo(200);
      Path conf = dir.resolve("postgres").resolve("postgresql.conf");
      byte[] goodConf = Files.readAllBytes(conf);
      Files.writeString(conf, "\nthis is = not = a setting\n", StandardOpenOption.APPEND);

      ProcessHandle postmaster = app.database().embeddedPostmaster().orElseThrow();
      postmaster.destroyForcibly();
      postmaster.onExit().join();

      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> assertThat(clients.get("/healthz").statusCode()).isEqualTo(503));
      assertThat(clients.get("/healthz").body())
          .isEqualTo(
              "{\"status\":\"failed\",\"error\":\"database: embedded PostgreSQL will not"
                  + " restart\"}");

      Files.write(conf, goodConf);
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(() -> assertThat(clients.get("/healthz").statusCode()).isEqualTo(200));
      assertThat(post(clients, "back").statusCode()).isEqualTo(200);
    }
  }

  private static GifmachineConfig local(DatabaseSettings embedded) {
    return new GifmachineConfig("127.0.0.1", 0, "pw", false, embedded);
  }

  private static HttpResponse<String> post(Clients clients, String name) {
    return clients.postForm(
        "/gif",
        Map.of("url", "https://example.com/" + name + ".gif", "who", "crash", "secret", "pw"));
  }

  private static String setting(Gifmachine app, String name) throws SQLException {
    try (Connection c = app.database().dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW " + name)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static Set<Long> storedIds(Gifmachine app) throws SQLException {
    Set<Long> ids = new HashSet<>();
    try (Connection c = app.database().dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id FROM gifs")) {
      while (rs.next()) {
        ids.add(rs.getLong(1));
      }
    }
    return ids;
  }
}
