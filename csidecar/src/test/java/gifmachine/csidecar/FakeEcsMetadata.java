package gifmachine.csidecar;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for the ECS task metadata endpoint v4, serving fixtures shaped like the documented
 * {@code /task} and {@code /task/stats} responses; it can be told to fail like an agent that is not
 * ready.
 */
final class FakeEcsMetadata implements AutoCloseable {

  private final HttpServer server;
  private volatile String task = "task.json";
  private volatile String stats = "stats-first.json";
  private volatile int status = 200;
  final AtomicInteger requests = new AtomicInteger();

  FakeEcsMetadata() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
    server.createContext(
        "/v4/abc/task",
        exchange -> {
          requests.incrementAndGet();
          String path = exchange.getRequestURI().getPath();
          String fixture =
              path.endsWith("/task/stats") ? stats : path.endsWith("/task") ? task : null;
          try (exchange) {
            if (fixture == null || status != 200) {
              exchange.sendResponseHeaders(fixture == null ? 404 : status, -1);
              return;
            }
            byte[] body = fixture(fixture);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
              out.write(body);
            }
          }
        });
    server.start();
  }

  static byte[] fixture(String name) {
    try (InputStream in = FakeEcsMetadata.class.getResourceAsStream("/ecs/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v4/abc");
  }

  void serve(String taskFixture, String statsFixture) {
    task = taskFixture;
    stats = statsFixture;
    status = 200;
  }

  void failWith(int code) {
    status = code;
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
