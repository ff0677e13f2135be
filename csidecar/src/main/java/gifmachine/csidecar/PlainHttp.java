package gifmachine.csidecar;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.time.Duration;

/**
 * The sidecar's HTTP client: one blocking GET or POST at a time over {@link HttpURLConnection}, on
 * the caller's thread, with keep-alive.
 *
 * <p>Why not {@code java.net.http.HttpClient}: it starts a selector thread and an executor and
 * loads several hundred classes, which measurably raised the sidecar's resident memory
 * (docs/benchmarks.md, "cDepot and cSidecar"); the sidecar makes two small requests every few
 * seconds and needs none of that.
 */
final class PlainHttp {

  /** A response's status and body (empty for a POST). */
  record Response(int status, byte[] body) {}

  private final Duration timeout;

  PlainHttp(Duration timeout) {
    this.timeout = timeout;
  }

  Response get(URI uri) throws IOException {
    HttpURLConnection connection = open(uri);
    connection.setRequestMethod("GET");
    return finish(connection, true);
  }

  Response post(URI uri, String contentType, byte[] body) throws IOException {
    HttpURLConnection connection = open(uri);
    connection.setRequestMethod("POST");
    connection.setDoOutput(true);
    connection.setRequestProperty("Content-Type", contentType);
    connection.setFixedLengthStreamingMode(body.length);
    try (OutputStream out = connection.getOutputStream()) {
      out.write(body);
    }
    return finish(connection, false);
  }

  private HttpURLConnection open(URI uri) throws IOException {
    HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
    int millis = (int) timeout.toMillis();
    connection.setConnectTimeout(millis);
    connection.setReadTimeout(millis);
    connection.setUseCaches(false);
    return connection;
  }

  /** Reads the whole body (error bodies too) so the connection can be reused. */
  private static Response finish(HttpURLConnection connection, boolean keepBody)
      throws IOException {
    try {
      int status = connection.getResponseCode();
      InputStream in = status >= 400 ? connection.getErrorStream() : connection.getInputStream();
      byte[] body = new byte[0];
      if (in != null) {
        try (in) {
          body = in.readAllBytes();
        }
      }
      return new Response(status, keepBody ? body : new byte[0]);
    } catch (IOException e) {
      connection.disconnect();
      throw e;
    }
  }
}
