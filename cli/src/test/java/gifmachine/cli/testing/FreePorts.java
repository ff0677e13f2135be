package gifmachine.cli.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;

/**
 * A loopback port that was free a moment ago, for a server a test starts as a separate process
 * (moto, Prometheus, docker-registry, an app from an image) that cannot report the port it bound:
 * tests of several engineers run at once, so fixed ports would collide.
 */
public final class FreePorts {

  private FreePorts() {}

  public static int loopback() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free loopback port", e);
    }
  }
}
