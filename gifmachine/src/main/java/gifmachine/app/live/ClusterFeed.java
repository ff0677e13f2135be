package gifmachine.app.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gifmachine.app.db.ConnectionWorker;
import gifmachine.app.gif.DatabaseUnavailableException;
import gifmachine.app.gif.Gif;
import gifmachine.app.gif.GifFeed;
import gifmachine.app.gif.GifStore;
import gifmachine.app.gif.LatestGif;
import gifmachine.app.gif.SearchCache;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fans gifs out across every instance sharing the database. Each post NOTIFYs {@link #CHANNEL} (see
 * {@link GifStore#insert}) with the whole gif; one dedicated connection per instance LISTENs and
 * hands the gif to this instance's {@link LiveHub} without a query (it reads the row by id only for
 * a payload too long to carry the gif). When the database restarts the listener reconnects,
 * re-reads the latest gif (catching anything posted meanwhile) and carries on. It also tells the
 * {@link SearchCache} when remembered pages may be stale: a gif arrived, a reload, the feed lost.
 */
public final class ClusterFeed implements GifFeed, AutoCloseable {
  private static final Logger logger = LoggerFactory.getLogger(ClusterFeed.class);

  public static final String CHANNEL = "gifmachine";
  private static final Duration POLL = Duration.ofSeconds(5);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(5);

  private final String origin = UUID.randomUUID().toString();
  private final ConnectionWorker.ConnectionFactory connections;
  private final GifStore store;
  private final LatestGif latest;
  private final LiveHub hub;
  private final ObjectMapper json;
  private final SearchCache searchCache;
  private final ConnectionWorker worker;
  private volatile boolean listening;

  public ClusterFeed(
      ConnectionWorker.ConnectionFactory connections,
      GifStore store,
      LatestGif latest,
      LiveHub hub,
      ObjectMapper json,
      SearchCache searchCache) {
    this.connections = connections;
    this.store = store;
    this.latest = latest;
    this.hub = hub;
    this.json = json;
    this.searchCache = searchCache;
    this.worker = new ConnectionWorker("gifmachine-listen", this::run);
  }

  public void start() {
    worker.start();
  }

  /** This instance's id in NOTIFY payloads, so it skips its own posts (sent locally already). */
  @Override
  public String origin() {
    return origin;
  }

  /** Whether the LISTEN connection is up right now. */
  public boolean listening() {
    return listening;
  }

  /** Shows a gif just stored here to local clients at once; other instances hear via NOTIFY. */
  @Override
  public void postedHere(Gif gif) {
    searchCache.changed();
    arrived(gif);
  }

  /** Reloads the kiosks of every instance (and of this one even when the database is down). */
  @Override
  public void reloadEverywhere() {
    String message = "{\"type\":\"reload\"}";
    searchCache.changed();
    hub.broadcast(message);
    try {
      store.publish("{\"origin\":\"" + origin + "\",\"type\":\"reload\"}");
    } catch (DatabaseUnavailableException e) {
      logger.warn("reload reached this instance only: {}", e.getMessage());
    }
  }

  private void run() {
    Duration backoff = Duration.ofMillis(250);
    boolean reportedDown = false;
    while (worker.running()) {
      try (Connection c = connections.open()) {
        worker.using(c);
        try (Statement s = c.createStatement()) {
          s.execute("LISTEN " + CHANNEL);
        }
        // Before the catch-up read (a post it cannot see yet will be heard), and before
        // listening() says so: whoever waits for that finds the cache in use.
        searchCache.feedUp();
        listening = true;
        if (reportedDown) {
          logger.info("listening for gifs from other instances again");
        }
        reportedDown = false;
        backoff = Duration.ofMillis(250);
        catchUp();
        PGConnection pg = c.unwrap(PGConnection.class);
        while (worker.running()) {
          PGNotification[] notifications = pg.getNotifications((int) POLL.toMillis());
          if (notifications == null || notifications.length == 0) {
            // No news: prove the connection still lives, a dead peer is otherwise silent.
            try (Statement s = c.createStatement()) {
              s.execute("SELECT 1");
            }
            continue;
          }
          for (PGNotification n : notifications) {
            handle(n.getParameter());
          }
        }
      } catch (SQLException | DatabaseUnavailableException e) {
        lost();
        if (!worker.running()) {
          return;
        }
        if (!reportedDown) {
          logger.warn("lost the database notification feed, retrying: {}", e.getMessage());
          reportedDown = true;
        }
        ConnectionWorker.sleep(backoff);
        Duration doubled = backoff.multipliedBy(2);
        backoff = doubled.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : doubled;
      } catch (RuntimeException e) {
        lost();
        logger.error("notification feed failed, retrying", e);
        ConnectionWorker.sleep(MAX_BACKOFF);
      }
    }
  }

  /** The LISTEN connection is gone: posts on other instances go unheard until it is back. */
  private void lost() {
    listening = false;
    searchCache.feedDown();
  }

  private void catchUp() {
    store
        .latest()
        .ifPresent(
            gif -> {
              if (latest.offer(gif)) {
                hub.broadcast(latest.get().json());
              }
            });
  }

  private void handle(String payload) {
    JsonNode message;
    try {
      message = json.readTree(payload);
    } catch (IOException e) {
      logger.warn("ignored a malformed notification on {}", CHANNEL);
      return;
    }
    if (origin.equals(message.path("origin").asText())) {
      return;
    }
    switch (message.path("type").asText()) {
      case "gif" -> {
        searchCache.changed();
        carried(message).or(() -> store.find(message.path("id").asLong())).ifPresent(this::arrived);
      }
      case "reload" -> {
        searchCache.changed();
        hub.broadcast("{\"type\":\"reload\"}");
      }
      default -> logger.debug("ignored notification type {}", message.path("type").asText());
    }
  }

  /** The gif a notification carries whole (see {@link GifStore#insert}); empty if only its id. */
  private static Optional<Gif> carried(JsonNode message) {
    if (!message.hasNonNull("url")) {
      return Optional.empty();
    }
    return Optional.of(
        new Gif(
            message.path("id").asLong(),
            text(message, "url"),
            text(message, "who"),
            LocalDateTime.parse(message.path("when").asText()).toInstant(ZoneOffset.UTC),
            text(message, "meme_top"),
            text(message, "meme_bottom")));
  }

  /** A NULL column reads as an empty string, as {@link GifStore} reads rows. */
  private static String text(JsonNode message, String field) {
    JsonNode value = message.path(field);
    return value.isTextual() ? value.asText() : "";
  }

  /** A gif older than the one shown (posts racing across instances) still goes out, as posted. */
  private void arrived(Gif gif) {
    if (latest.offer(gif)) {
      hub.broadcast(latest.get().json());
    } else {
      hub.broadcast(latest.message(gif));
    }
  }

  @Override
  public void close() {
    worker.stop();
  }
}
