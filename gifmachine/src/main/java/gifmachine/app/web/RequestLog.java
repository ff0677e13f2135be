package gifmachine.app.web;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import gifmachine.app.gif.Gif;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One JSON line per request, e.g. {@code
 * {"ts":"…","method":"POST","route":"/gif","status":200,"duration_ms":1.84}}. It logs the route
 * template, never the raw path or query string (a secret can ride in either), and never bodies; a
 * request that stored a gif adds {@code "event":"gif_posted"} with the gif's id, url and who, which
 * the saved CloudWatch Logs Insights queries count (most posted gifs, top posters). Jackson writes
 * the JSON, so client-chosen methods, urls and names cannot break a line. Lines are buffered and
 * flushed every 200 ms: a write per line cost more than half of {@code GET /gif}'s throughput
 * (docs/benchmarks.md, "Request log").
 */
public final class RequestLog implements AutoCloseable {

  /**
   * Jackson's streaming generator: no reflection per line. Jackson keeps its buffers per thread by
   * default, and every request runs on a new virtual thread: a shared pool spares fresh buffers per
   * line.
   */
  private static final JsonFactory JSON =
      JsonFactory.builder().recyclerPool(JsonRecyclerPools.newLockFreePool()).build();

  /** Lines from concurrent requests (and instances sharing stdout) never interleave. */
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
    write(json -> request(json, method, route, status, durationMs));
  }

  /** Like {@link #log}, for the request that stored {@code gif}. */
  public void logPosted(String method, String route, int status, double durationMs, Gif gif) {
    write(
        json -> {
          request(json, method, route, status, durationMs);
          json.writeStringField("event", "gif_posted");
          json.writeNumberField("gif_id", gif.id());
          json.writeStringField("url", gif.url());
          json.writeStringField("who", gif.who());
        });
  }

  private static void request(
      JsonGenerator json, String method, String route, int status, double durationMs)
      throws IOException {
    json.writeStringField("ts", Instant.now().toString());
    json.writeStringField("method", method);
    json.writeStringField("route", route);
    json.writeNumberField("status", status);
    json.writeNumberField("duration_ms", rounded(durationMs));
  }

  @FunctionalInterface
  private interface Fields {
    void write(JsonGenerator json) throws IOException;
  }

  /** Hundredths of a millisecond: finer is noise. */
  private static double rounded(double durationMs) {
    return Math.round(durationMs * 100) / 100.0;
  }

  private void write(Fields fields) {
    // The whole line, newline included, in one write: the buffer then only ever spills complete
    // lines, so instances sharing stdout (two in one JVM, in tests and local mode) never split
    // each other's.
    ByteArrayBuilder bytes = new ByteArrayBuilder(256);
    try (JsonGenerator json = JSON.createGenerator(bytes)) {
      json.writeStartObject();
      fields.write(json);
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // strings and numbers into memory always serialise
    }
    bytes.write('\n');
    // synchronized, not a ReentrantLock: it spins briefly before parking, and under GET /gif load
    // the lock is held for a copy into the buffer only.
    synchronized (out) {
      try {
        out.write(bytes.toByteArray());
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

  @Override
  public void close() {
    flusher.shutdownNow();
    flush();
  }
}
