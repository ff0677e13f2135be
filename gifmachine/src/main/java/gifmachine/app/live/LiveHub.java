package gifmachine.app.live;

import io.javalin.config.RoutesConfig;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsContext;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.eclipse.jetty.websocket.common.WebSocketSession;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;
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
          send(ctx, encoded(greeting.get()));
        });
    ws.onClose(ctx -> clients.remove(ctx));
    ws.onError(ctx -> clients.remove(ctx));
  }

  /**
   * Sends {@code message} to every connected client; slow or dead clients do not hold others up.
   */
  public void broadcast(String message) {
    // Encoded once for all clients: a server's frames are not masked (RFC 6455 section 5.1), so
    // every client gets the same payload bytes, each through a view with its own position.
    ByteBuffer payload = encoded(message);
    for (WsContext client : clients.keySet()) {
      send(client, payload);
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

  /**
   * Queues {@code payload} (not consumed: each send writes a view of it) as one text frame to
   * {@code client}, straight to Jetty's core session: the API session's {@code sendText} would
   * encode the same string again for every client and wrap the callback twice, per client and per
   * message (docs/benchmarks.md, "Stop 9").
   */
  private void send(WsContext client, ByteBuffer payload) {
    AtomicLong queued = clients.get(client);
    if (queued == null) {
      return; // closed or dropped meanwhile
    }
    long bytes = payload.remaining();
    long before = queued.getAndAdd(bytes);
    if (before > 0 && before + bytes > MAX_QUEUED_BYTES) {
      queued.addAndGet(-bytes);
      drop(client, "fell " + before + " bytes behind");
      return;
    }
    try {
      core(client)
          .sendFrame(
              new Frame(OpCode.TEXT, true, payload.slice()),
              new Sent(client, queued, bytes),
              false);
    } catch (RuntimeException e) {
      drop(client, e.toString());
    }
  }

  /** Jetty's core session under Javalin's: where frames are queued and written. */
  private static CoreSession core(WsContext client) {
    if (client.session instanceof WebSocketSession session) {
      return session.getCoreSession();
    }
    throw new IllegalStateException(
        "not a Jetty WebSocket session: " + client.session.getClass().getName());
  }

  private static ByteBuffer encoded(String message) {
    return ByteBuffer.wrap(message.getBytes(StandardCharsets.UTF_8)).asReadOnlyBuffer();
  }

  /** A frame written (its bytes leave the client's queue) or failed (the client is dropped). */
  private final class Sent implements Callback {
    private final WsContext client;
    private final AtomicLong queued;
    private final long bytes;

    Sent(WsContext client, AtomicLong queued, long bytes) {
      this.client = client;
      this.queued = queued;
      this.bytes = bytes;
    }

    @Override
    public void succeeded() {
      queued.addAndGet(-bytes);
    }

    @Override
    public void failed(Throwable failure) {
      queued.addAndGet(-bytes);
      drop(client, failure.toString());
    }

    @Override
    public InvocationType getInvocationType() {
      return InvocationType.NON_BLOCKING; // a counter and, rarely, a close frame queued
    }
  }

  private void drop(WsContext client, String why) {
    if (clients.remove(client) == null) {
      return;
    }
    logger.info("dropped WebSocket client {}: {}", client.sessionId(), why);
    Session session = client.session;
    try {
      session.close(
          StatusCode.TRY_AGAIN_LATER,
          "too slow, reconnect",
          org.eclipse.jetty.websocket.api.Callback.NOOP);
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
