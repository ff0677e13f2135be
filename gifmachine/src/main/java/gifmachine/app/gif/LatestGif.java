package gifmachine.app.gif;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The newest gif, kept in memory with its JSON already rendered: {@code GET /gif} and every new
 * WebSocket answer from here, so they cost no query and keep working while the database is down.
 */
public final class LatestGif {

  /** A gif and its wire form {@code {"type":"gif","url":…,"meme_top":…,"meme_bottom":…}}. */
  public record Snapshot(Gif gif, String json, byte[] jsonBytes) {}

  private final ObjectMapper json;
  private final AtomicReference<Snapshot> current;

  public LatestGif(ObjectMapper json) {
    this.json = json;
    this.current = new AtomicReference<>(snapshot(Gif.FALLBACK));
  }

  public Snapshot get() {
    return current.get();
  }

  /**
   * Takes {@code gif} if it is newer (higher id) than the one held; gifs from other instances can
   * arrive out of order.
   *
   * @return true if it became the latest
   */
  public boolean offer(Gif gif) {
    Snapshot next = snapshot(gif);
    while (true) {
      Snapshot held = current.get();
      if (held.gif().id() >= gif.id()) {
        return false;
      }
      if (current.compareAndSet(held, next)) {
        return true;
      }
    }
  }

  /** The JSON message for any gif, as sent on WebSockets and {@code GET /gif}. */
  public String message(Gif gif) {
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("type", "gif");
    message.put("url", gif.url());
    message.put("meme_top", gif.memeTop());
    message.put("meme_bottom", gif.memeBottom());
    try {
      return json.writeValueAsString(message);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("strings always serialize", e);
    }
  }

  private Snapshot snapshot(Gif gif) {
    String text = message(gif);
    return new Snapshot(gif, text, text.getBytes(StandardCharsets.UTF_8));
  }
}
