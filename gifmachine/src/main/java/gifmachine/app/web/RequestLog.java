package gifmachine.app.web;

import gifmachine.app.gif.Gif;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One JSON line per request, e.g. {@code
 * {"ts":"…","method":"POST","route":"/gif","status":200,"duration_ms":1.84}}. It logs the route
 * template, never the raw path or query string (a secret can ride in either), and never bodies;
 * a request that stored a gif adds {@code "event":"gif_posted"} with the gif's id, url and who,
 * which the saved CloudWatch Logs Insights queries count (most posted gifs, top posters).
 * Lines are buffered and flushed every 200 ms: a flush per line would cap throughput.
 */
public final class RequestLog implements AutoCloseable {

  private final BufferedOutputStream out;
  private final ScheduledExecutorService flusher;

  public RequestLog(OutputStream target) {
    this.out = new BufferedOutputStream(target, 64 * 1024);
    this.flusher =
        Executors.newSingleThreadScheduledExecutor(
            r -> Thread.ofPlatform().daemon().name("gifmachine-log-flush").unstarted(r));
    flusher.scheduleWithFixedDelay(this::flush, 200, 200, TimeUnit.MILLISECONDS);
  }

  public void log(String method, String route, int status, double durationMs) {
    write(requestLine(method, route, status, durationMs).append("}\n"));
  }

  /** Like {@link #log}, for the request that stored {@code gif}. */
  public void logPosted(String method, String route, int status, double durationMs, Gif gif) {
    write(
        requestLine(method, route, status, durationMs)
            .append(",\"event\":\"gif_posted\",\"gif_id\":")
            .append(gif.id())
            .append(",\"url\":\"")
            .append(jsonSafe(gif.url()))
            .append("\",\"who\":\"")
            .append(jsonSafe(gif.who()))
            .append("\"}\n"));
  }

  private static StringBuilder requestLine(
      String method, String route, int status, double durationMs) {
    StringBuilder line = new StringBuilder(128);
    line.append("{\"ts\":\"")
        .append(Instant.now())
        .append("\",\"method\":\"")
        .append(jsonSafe(method))
        .append("\",\"route\":\"")
        .append(jsonSafe(route))
        .append("\",\"status\":")
        .append(status)
        .append(",\"duration_ms\":")
        .append(Math.round(durationMs * 100) / 100.0);
    return line;
  }

  private void write(StringBuilder line) {
    // One write per whole line: the buffer then only ever spills complete lines, so instances
    // sharing stdout (two in one JVM, in tests and local mode) never split each other's lines.
    byte[] bytes = line.toString().getBytes(StandardCharsets.UTF_8);
    synchronized (out) {
      try {
        out.write(bytes);
      } catch (IOException e) {
        // stdout gone (closed pipe): nothing sensible to do with a log line
      }
    }
  }

  private void flush() {
    synchronized (out) {
      try {
        out.flush();
      } catch (IOException e) {
        // as above
      }
    }
  }

  /** Methods, urls and names are client-chosen: keep the JSON valid whatever they hold. */
  private static String jsonSafe(String value) {
    StringBuilder s = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '"' || c == '\\' || c < 0x20) {
        s.append(String.format("\\u%04x", (int) c));
      } else {
        s.append(c);
      }
    }
    return s.toString();
  }

  @Override
  public void close() {
    flusher.shutdownNow();
    flush();
  }
}
