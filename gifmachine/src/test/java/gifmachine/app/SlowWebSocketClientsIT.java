package gifmachine.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * 100 clients open a WebSocket and never read while gifs keep coming: each one's queue stays
 * bounded, so the app (in its own JVM with a 256 MB heap that exits on running out) lives on, drops
 * them, and an ordinary kiosk keeps getting every gif.
 */
class SlowWebSocketClientsIT {
  private static final int NON_READERS = 100;
  private static final int POSTS = 5_000;
  private static final Pattern CLIENTS =
      Pattern.compile("(?m)^gifmachine_websocket_clients (\\S+)$");

  @Test
  void clients_that_never_read_are_dropped_and_memory_stays_bounded() throws Exception {
    String database = TestPostgres.databaseName(TestPostgres.newDatabase());
    Map<String, String> env =
        Map.of(
            "DATABASE_URL", TestPostgres.jdbcUrl(database) + "?user=postgres",
            "DATABASE_SSLMODE", "disable",
            "GIFMACHINE_PASSWORD", "pw");
    List<Socket> nonReaders = new ArrayList<>();
    try (AppProcess app =
            AppProcess.start(env, "-Xmx256m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError");
        Clients.Socket kiosk = new Clients(app.base()).socket()) {
      Clients clients = new Clients(app.base());
      kiosk.next(10);
      for (int i = 0; i < NON_READERS; i++) {
        nonReaders.add(upgradeAndNeverRead(app.base().getPort()));
      }
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> websocketClients(clients) == NON_READERS + 1);

      // Each message is about 3 KB: 5,000 of them are 15 MB per client that never reads, far
      // beyond what the kernel's socket buffers take, and 1.5 GB for all of them.
      String padding = "x".repeat(1_900);
      try (ExecutorService posters = Executors.newFixedThreadPool(8)) {
        List<Future<Integer>> results = new ArrayList<>();
        for (int i = 0; i < POSTS; i++) {
          String n = Integer.toString(i);
          results.add(
              posters.submit(
                  () ->
                      clients
                          .postForm(
                              "/gif",
                              Map.of(
                                  "url",
                                  "https://example.com/" + n + "/" + padding + ".gif",
                                  "meme_top",
                                  "t".repeat(500),
                                  "meme_bottom",
                                  "b".repeat(500),
                                  "secret",
                                  "pw"))
                          .statusCode()));
        }
        for (Future<Integer> result : results) {
          assertThat(result.get()).isEqualTo(200);
        }
      }

      assertThat(app.process().isAlive()).isTrue();
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(websocketClients(clients)).isEqualTo(1));
      assertThat(
              clients
                  .postForm("/gif", Map.of("url", "https://example.com/after.gif", "secret", "pw"))
                  .statusCode())
          .isEqualTo(200);
      assertThat(kiosk.nextContaining("after.gif", 30)).contains("\"type\":\"gif\"");
    } finally {
      for (Socket socket : nonReaders) {
        socket.close();
      }
    }
  }

  /** A raw socket that completes the WebSocket upgrade and then reads nothing, ever. */
  private static Socket upgradeAndNeverRead(int port) throws IOException {
    Socket socket = new Socket();
    socket.setReceiveBufferSize(4096); // before connect: no window scaling to soak up messages
    socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    OutputStream out = socket.getOutputStream();
    out.write(
        ("GET / HTTP/1.1\r\nHost: 127.0.0.1:"
                + port
                + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = socket.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed during the upgrade: " + head);
      }
      head.append((char) b);
    }
    assertThat(head.toString()).startsWith("HTTP/1.1 101");
    return socket;
  }

  private static double websocketClients(Clients clients) {
    Matcher m = CLIENTS.matcher(clients.get("/metrics").body());
    assertThat(m.find()).isTrue();
    return Double.parseDouble(m.group(1));
  }
}
