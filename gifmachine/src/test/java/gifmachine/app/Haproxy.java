package gifmachine.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Debian's haproxy standing in for the ALB: health checks on {@code /readyz}, no retries, no
 * redispatch, existing WebSocket tunnels left alone when a server goes down (as the ALB keeps
 * connections during deregistration). Servers can start disabled and be enabled through the admin
 * socket. Fails, never skips, when haproxy is missing.
 */
final class Haproxy implements AutoCloseable {
  static final Path HAPROXY = Path.of("/usr/sbin/haproxy");

  private final Process process;
  private final Path adminSocket;
  private final int port;

  private Haproxy(Process process, Path adminSocket, int port) {
    this.process = process;
    this.adminSocket = adminSocket;
    this.port = port;
  }

  /**
   * Balances round-robin over {@code servers} (name to loopback port); those in {@code disabled}
   * start in maintenance.
   */
  static Haproxy start(Map<String, Integer> servers, java.util.Set<String> disabled, Path dir)
      throws Exception {
    assertThat(HAPROXY)
        .as("haproxy is required (scripts/install-test-tools); this test fails, never skips")
        .isExecutable();
    int port = freePort();
    Path socket = dir.toAbsolutePath().resolve("admin.sock");
    StringBuilder config =
        new StringBuilder(
            """
            global
              stats socket %s level admin
              maxconn 2000
            defaults
              mode http
              retries 0
              timeout connect 2s
              timeout client 30s
              timeout server 30s
              timeout tunnel 60s
              # A busy test machine answers a check late at times; like the ALB (5 s), a late
              # answer is not a failure until the timeout.
              timeout check 2s
            frontend kiosks
              bind 127.0.0.1:%d
              default_backend gifmachines
            backend gifmachines
              balance roundrobin
              option httpchk GET /readyz
              http-check expect status 200
              default-server inter 250ms fall 2 rise 1
            """
                .formatted(socket, port));
    servers.forEach(
        (name, serverPort) ->
            config.append(
                "  server %s 127.0.0.1:%d check%s%n"
                    .formatted(name, serverPort, disabled.contains(name) ? " disabled" : "")));
    Path file = dir.resolve("haproxy.cfg");
    Files.writeString(file, config);
    Process process =
        new ProcessBuilder(HAPROXY.toString(), "-f", file.toString(), "-db")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("haproxy.log").toFile())
            .start();
    Haproxy haproxy = new Haproxy(process, socket, port);
    await().atMost(Duration.ofSeconds(20)).until(() -> haproxy.accepting());
    return haproxy;
  }

  int port() {
    return port;
  }

  /** Takes {@code server} out of maintenance; it gets traffic once its health check passes. */
  void enable(String server) throws IOException {
    command("enable server gifmachines/" + server);
  }

  /** haproxy's own view of {@code server}: {@code UP}, {@code DOWN}, {@code MAINT}, ... */
  String status(String server) throws IOException {
    for (String line : command("show stat").split("\n")) {
      String[] fields = line.split(",", -1);
      if (fields.length > 17 && fields[0].equals("gifmachines") && fields[1].equals(server)) {
        return fields[17];
      }
    }
    throw new IllegalStateException("no server " + server + " in haproxy");
  }

  private String command(String command) throws IOException {
    try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      channel.connect(UnixDomainSocketAddress.of(adminSocket));
      channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
      StringBuilder answer = new StringBuilder();
      ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
      while (channel.read(buffer) > 0) {
        buffer.flip();
        answer.append(StandardCharsets.US_ASCII.decode(buffer));
        buffer.clear();
      }
      return answer.toString();
    }
  }

  private boolean accepting() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      assertThat(process.isAlive()).as("haproxy exited: see haproxy.log").isTrue();
      return false;
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
