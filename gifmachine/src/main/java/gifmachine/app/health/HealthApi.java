package gifmachine.app.health;

import gifmachine.app.gif.GifStore;
import io.javalin.http.Context;

/**
 * Health checks for load balancers and orchestrators.
 *
 * <pre>{@code
 * curl localhost:4567/healthz   # 200 while the process serves HTTP
 * curl localhost:4567/readyz    # 200 when the database answers, 503 otherwise or while draining
 * }</pre>
 */
public final class HealthApi {
  private final GifStore store;
  private final Drain drain;

  public HealthApi(GifStore store, Drain drain) {
    this.store = store;
    this.drain = drain;
  }

  public void live(Context ctx) {
    ctx.contentType("application/json").result("{\"status\":\"ok\"}");
  }

  public void ready(Context ctx) {
    if (drain.draining()) {
      // Shutting down: the load balancer should send new requests elsewhere from now on.
      ctx.status(503)
          .contentType("application/json")
          .result("{\"status\":\"draining\",\"error\":\"shutting down\"}");
    } else if (store.reachable()) {
      ctx.contentType("application/json").result("{\"status\":\"ready\"}");
    } else {
      ctx.status(503)
          .contentType("application/json")
          .result("{\"status\":\"unavailable\",\"error\":\"database: unreachable\"}");
    }
  }
}
