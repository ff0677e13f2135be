package gifmachine.app.live;

import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsContext;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kiosks connected to this instance over WebSocket on {@code /}. Each gets the latest gif on
 * connect and every message {@link #broadcast(String)} afterwards.
 *
 * <pre>{@code websocat ws://localhost:4567/}</pre>
 */
public final class LiveHub {
  private static final Logger logger = LoggerFactory.getLogger(LiveHub.class);

  private final Set<WsContext> clients = ConcurrentHashMap.newKeySet();
  private final Supplier<String> greeting;

  /**
   * @param greeting the message a client gets on connect: the latest gif's JSON
   */
  public LiveHub(Supplier<String> greeting) {
    this.greeting = greeting;
  }

  /** Handlers for the WebSocket endpoint. */
  public void configure(WsConfig ws) {
    ws.onConnect(
        ctx -> {
          // Pings keep load balancers (ALB: 60 s idle) from cutting quiet kiosks off.
          ctx.enableAutomaticPings(25, TimeUnit.SECONDS);
          clients.add(ctx);
          send(ctx, greeting.get());
        });
    ws.onClose(ctx -> clients.remove(ctx));
    ws.onError(ctx -> clients.remove(ctx));
  }

  /** Sends {@code message} to every connected client; slow or dead clients do not hold others up. */
  public void broadcast(String message) {
    for (WsContext client : clients) {
      send(client, message);
    }
  }

  /**
   * Closes every connection with a close frame ({@code code}, e.g. 1012 "service restart"), so
   * kiosks reconnect, through the load balancer, to an instance that stays. Each client leaves
   * {@link #clientCount()} when its close handshake completes.
   */
  public void closeAll(int code, String reason) {
    for (WsContext client : clients) {
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

  private void send(WsContext client, String message) {
    try {
      client.send(message);
    } catch (RuntimeException e) {
      clients.remove(client);
      logger.debug("dropped WebSocket client {}: {}", client.sessionId(), e.toString());
    }
  }
}
