package gifmachine.app.gif;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gifmachine.app.metrics.AppMetrics;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The JSON API the chat bots use, unchanged from the original:
 *
 * <pre>{@code
 * curl localhost:4567/gif
 * curl -d url=https://example.com/a.gif -d who=bot -d meme_top=hi -d meme_bottom=there \
 *      -d secret=$GIFMACHINE_PASSWORD localhost:4567/gif
 * curl -d secret=$GIFMACHINE_PASSWORD localhost:4567/reload
 * }</pre>
 *
 * {@code POST /gif} also takes the same fields as a JSON object.
 */
public final class GifApi {

  /** Request attribute holding the {@link Gif} a {@code POST /gif} stored, for the request log. */
  public static final String POSTED = "gifmachine.posted";

  private final GifStore store;
  private final LatestGif latest;
  private final GifFeed feed;
  private final AppMetrics metrics;
  private final ObjectMapper json;
  private final byte[] password;

  public GifApi(
      GifStore store,
      LatestGif latest,
      GifFeed feed,
      AppMetrics metrics,
      ObjectMapper json,
      String password) {
    this.store = store;
    this.latest = latest;
    this.feed = feed;
    this.metrics = metrics;
    this.json = json;
    this.password = password.getBytes(StandardCharsets.UTF_8);
  }

  /** Registers the API's routes: {@code GET /gif}, {@code POST /gif}, {@code POST /reload}. */
  public void routes(RoutesConfig routes) {
    routes.get("/gif", this::latest);
    routes.post("/gif", this::post);
    routes.post("/reload", this::reload);
  }

  /** {@code GET /gif}: the latest gif from memory, so it answers while the database is down. */
  public void latest(Context ctx) {
    ctx.contentType("application/json").result(latest.get().jsonBytes());
  }

  /** {@code POST /gif}: 403 without the right secret, 400 for bad fields, 503 if the DB is down. */
  public void post(Context ctx) throws JsonProcessingException {
    Function<String, String> fields = fields(ctx);
    authorize(fields.apply("secret"));
    NewGif gif = NewGif.validate(fields);
    Gif stored = store.insert(gif, feed.origin());
    metrics.gifPosted();
    feed.postedHere(stored);
    ctx.attribute(POSTED, stored);
    ctx.contentType("application/json")
        .result(json.writeValueAsBytes(new Posted(stored.id(), "gif", stored.url())));
  }

  /** {@code POST /reload}: every kiosk on every instance reloads its page. */
  public void reload(Context ctx) {
    authorize(fields(ctx).apply("secret"));
    feed.reloadEverywhere();
    ctx.contentType("application/json").result("{\"type\":\"reload\"}");
  }

  private void authorize(String secret) {
    byte[] given = secret == null ? new byte[0] : secret.getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(given, password)) {
      metrics.secretCheckFailed();
      throw new ForbiddenException();
    }
  }

  /**
   * Form fields (or query parameters, which Sinatra's params also held), or a JSON object; each
   * value checked to be storable. A field given twice counts by its last value, as in the original:
   * Rack's parser overwrote {@code params[name]} with each repeat, Sinatra's params let the body's
   * value win over the query string's, and a JSON object's last duplicate wins.
   */
  private Function<String, String> fields(Context ctx) {
    Function<String, String> raw = rawFields(ctx);
    return name -> {
      String value = raw.apply(name);
      InvalidInputException.requireStorable(name, value);
      return value;
    };
  }

  private Function<String, String> rawFields(Context ctx) {
    String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase(Locale.ROOT);
    if (type.startsWith("application/json")) {
      JsonNode body;
      try {
        body = json.readTree(ctx.bodyAsBytes());
      } catch (IOException e) {
        throw new InvalidInputException("body", "not valid JSON");
      }
      if (body == null || !body.isObject()) {
        throw new InvalidInputException("body", "must be a JSON object");
      }
      return name -> {
        JsonNode value = body.get(name);
        if (value == null || value.isNull()) {
          return null;
        }
        if (!value.isTextual()) {
          throw new InvalidInputException(name, "must be a string");
        }
        return value.asText();
      };
    }
    return name -> {
      List<String> form = ctx.formParams(name);
      List<String> query = form.isEmpty() ? ctx.queryParams(name) : form;
      return query.isEmpty() ? null : query.getLast();
    };
  }

  /** The answer to a post: where the gif went. */
  private record Posted(long id, String type, String url) {}

  /** A wrong or missing secret; a 403 as in the original, with a JSON body. */
  public static final class ForbiddenException extends RuntimeException {
    ForbiddenException() {
      super("secret: wrong or missing", null, false, false);
    }
  }
}
