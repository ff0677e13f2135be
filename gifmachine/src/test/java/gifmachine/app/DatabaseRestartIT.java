package gifmachine.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import gifmachine.app.db.DatabaseSettings;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL goes away and comes back on the same port and data (an RDS reboot or failover): the
 * app keeps answering what it can, refuses writes with 503, and recovers by itself.
 */
class DatabaseRestartIT {

  @Test
  void the_app_survives_a_database_restart_without_restarting_itself() throws IOException {
    Path data = Files.createTempDirectory("gifmachine-restart-");
    EmbeddedPostgres first =
        EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(false).start();
    int port = first.getPort();
    DatabaseSettings db =
        DatabaseSettings.external(
            "jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "");
    EmbeddedPostgres second = null;
    try (Gifmachine a = Gifmachine.start(new GifmachineConfig("127.0.0.1", 0, "pw", false, db));
        Gifmachine b = Gifmachine.start(new GifmachineConfig("127.0.0.1", 0, "pw", false, db))) {
      Clients onA = new Clients(a.baseUri());
      Clients onB = new Clients(b.baseUri());
      try (Clients.Socket kiosk = onA.socket()) {
        kiosk.next(5);
        assertThat(post(onB, "before").statusCode()).isEqualTo(200);
        assertThat(kiosk.next(5)).contains("before.gif");

        first.close();

        assertThat(onA.get("/gif").statusCode()).isEqualTo(200);
        assertThat(onA.get("/gif").body()).contains("before.gif");
        var refused = post(onB, "during");
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.body())
            .isEqualTo("{\"error\":\"database: unavailable, try again shortly\"}");
        assertThat(onA.get("/readyz").statusCode()).isEqualTo(503);
        assertThat(onA.get("/history").statusCode()).isEqualTo(503);
        assertThat(onA.get("/healthz").statusCode()).isEqualTo(200);
        // Kiosks that (re)connect during the outage, and while the database starts again, get
        // the latest gif from memory: the WebSocket upgrade never waits on the database.
        assertKioskConnects(onA, "before.gif");
        assertKioskConnects(onB, "before.gif");
        CompletableFuture<EmbeddedPostgres> starting =
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return EmbeddedPostgres.builder()
                        .setDataDirectory(data)
                        .setCleanDataDirectory(false)
                        .setPort(port)
                        .start();
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                });
        try {
          for (int i = 0; !starting.isDone(); i++) {
            assertKioskConnects(i % 2 == 0 ? onA : onB, "before.gif");
          }
        } finally {
          second = starting.join();
        }

        await()
            .atMost(Duration.ofSeconds(30))
            .pollInterval(Duration.ofMillis(500))
            .untilAsserted(() -> assertThat(post(onB, "after").statusCode()).isEqualTo(200));
        assertThat(kiosk.nextContaining("after.gif", 15)).contains("\"type\":\"gif\"");
        assertThat(onA.get("/readyz").statusCode()).isEqualTo(200);
        assertThat(onA.get("/history").body()).contains("before - gif", "after - gif");

        // The listener is back: a later post reaches the other instance's kiosk directly.
        assertThat(post(onB, "later").statusCode()).isEqualTo(200);
        assertThat(kiosk.nextContaining("later.gif", 10)).contains("later");
      }
    } finally {
      if (second != null) {
        second.close();
      }
    }
  }

  private static void assertKioskConnects(Clients clients, String latest) {
    try (Clients.Socket kiosk = clients.socket()) {
      assertThat(kiosk.next(5)).contains(latest);
    }
  }

  private static java.net.http.HttpResponse<String> post(Clients clients, String name) {
    return clients.postForm(
        "/gif",
        Map.of(
            "url",
            "https://example.com/" + name + ".gif",
            "meme_top",
            name,
            "meme_bottom",
            "gif",
            "secret",
            "pw"));
  }
}
