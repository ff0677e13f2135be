package gifmachine.app.live;

import io.javalin.config.RoutesConfig;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsContext;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kiosks connected to this instance over WebSocket on {@code /}. Each gets the latest gif on
 * connect and every message {@link #broadcast(String)} afterwards.
 *
 * <p>Every client has a bounded outgoing queue: at most {@link #MAX_QUEUED_BYTES} of messages not
 * yet written to its socket. A client that falls further behind (a frozen kiosk, or a client that
 * never reads) is dropped with a close frame (1013, try again later); a kiosk reconnects and gets
 * the latest gif on connect, so it loses nothing it would have shown.
 *
 * <pre>{@code websocat ws://localhost:4567/}</pre>
 */
public final class LiveHub {
  private static final Logger logger = LoggerFactory.getLogger(LiveHub.class);

  /**
   * Bytes of messages a client may have queued before it is dropped: the bound on the heap one
   * client can hold through its queue (docs/gifmachine.md). A gif message is at most about 18 KB,
   * so this is at least three of the largest and hundreds of ordinary ones; concurrent posts put
   * several in flight at once even for a client that reads promptly.
   */
  public static final long MAX_QUEUED_BYTES = 64 * 1024;

  /** How long a dropped client gets to take its close frame before its connection is cut. */
  private static final long CLOSE_GRACE_SECONDS = 5;

  /** Each connected client with the bytes of its messages not yet written. */
  private final Map<WsContext, AtomicLong> clients = new ConcurrentHashMap<>();

  private final Supplier<String> greeting;

  /**
   * @param greeting the message a client gets on connect: the latest gif's JSON
   */
  public LiveHub(Supplier<String> greeting) {
    this.greeting = greeting;
  }

  /** Registers the WebSocket endpoint, {@code /}. */
  public void routes(RoutesConfig routes) {
    routes.ws("/", this::configure);
  }

  /** Handlers for the WebSocket endpoint. */
  public void configure(WsConfig ws) {
    ws.onConnect(
        ctx -> {
          // Pings keep load balancers (ALB: 60 s idle) from cutting quiet kiosks off.
          ctx.enableAutomaticPings(25, TimeUnit.SECONDS);
          clients.put(ctx, new AtomicLong());
          String hello = greeting.get();
          send(ctx, hello, utf8Length(hello));
        });
    ws.onClose(ctx -> clients.remove(ctx));
    ws.onError(ctx -> clients.remove(ctx));
  }

  /**
   * Sends {@code message} to every connected client; slow or dead clients do not hold others up.
   */
  public void broadcast(String message) {
    long bytes = utf8Length(message);
    for (WsContext client : clients.keySet()) {
      send(client, message, bytes);
    }
  }

  /**
   * Closes every connection with a close frame ({@code code}, e.g. 1012 "service restart"), so
   * kiosks reconnect, through the load balancer, to an instance that stays. Each client leaves
   * {@link #clientCount()} when its close handshake completes.
   */
  public void closeAll(int code, String reason) {
    for (WsContext client : clients.keySet()) {
      try {
        client.closeSession(code, reason);
      } catch (RuntimeException e) {
        clients.remove(client);
        logger.debug("WebSocket client {} was gone: {}", client.sessionId(), e.toString());
      }
    }
  }

  public int clientCount() {
    return clients.size();
  }

  private void send(WsContext client, String message, long bytes) {
    AtomicLong queued = clients.get(client);
    if (queued == null) {
      return; // closed or dropped meanwhile
    }
    long before = queued.getAndAdd(bytes);
    if (before > 0 && before + bytes > MAX_QUEUED_BYTES) {
      queued.addAndGet(-bytes);
      drop(client, "fell " + before + " bytes behind");
      return;
    }
    try {
      client.session.sendText(
          message,
          Callback.from(
              () -> queued.addAndGet(-bytes),
              failure -> {
                queued.addAndGet(-bytes);
                drop(client, failure.toString());
              }));
    } catch (RuntimeException e) {
      drop(client, e.toString());
    }
  }

  private static long utf8Length(String message) {
    return message.getBytes(StandardCharsets.UTF_8).length;
  }

  private void drop(WsContext client, String why) {
    if (clients.remove(client) == null) {
      return;
    }
    logger.info("dropped WebSocket client {}: {}", client.sessionId(), why);
    Session session = client.session;
    try {
      session.close(StatusCode.TRY_AGAIN_LATER, "too slow, reconnect", Callback.NOOP);
    } catch (RuntimeException e) {
      session.disconnect();
      return;
    }
    // A client that reads nothing never takes its close frame either; its queue must not wait
    // for the idle timeout.
    CompletableFuture.delayedExecutor(CLOSE_GRACE_SECONDS, TimeUnit.SECONDS)
        .execute(
            () -> {
              if (session.isOpen()) {
                session.disconnect();
              }
            });
  }
}
