package gifmachine.app;

import static org.assertj.core.api.Assertions.assertThat;

import gifmachine.app.db.DatabaseSettings;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Two instances on one database, as behind a load balancer. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FanOutIT {
  private Gifmachine a;
  private Gifmachine b;

  @BeforeAll
  void start() {
    DatabaseSettings db = TestPostgres.newDatabase();
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
              Map.of("url", "https://example.com/from-b.gif", "meme_top", "posted to", "meme_bottom",
                  "instance b", "secret", "shared"));
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
    try (Clients.Socket onASocket = onA.socket(); Clients.Socket onBSocket = onB.socket()) {
      onASocket.next(5);
      onBSocket.next(5);

      assertThat(onB.postForm("/reload", Map.of("secret", "shared")).statusCode()).isEqualTo(200);

      assertThat(onASocket.nextContaining("reload", 5)).isEqualTo("{\"type\":\"reload\"}");
      assertThat(onBSocket.nextContaining("reload", 5)).isEqualTo("{\"type\":\"reload\"}");
    }
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
}
