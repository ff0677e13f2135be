package gifmachine.app.health;

import gifmachine.app.gif.GifStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.function.BooleanSupplier;

/**
 * Health checks for load balancers and orchestrators.
 *
 * <pre>{@code
 * curl localhost:4567/healthz   # 200 while the process serves HTTP and its database can recover
 * curl localhost:4567/readyz    # 200 when the database answers, 503 otherwise or while draining
 * }</pre>
 */
public final class HealthApi {
  private final GifStore store;
  private final BooleanSupplier recoverable;
  private final Drain drain;

  /**
   * @param recoverable false when the app cannot make progress without a restart (its embedded
   *     PostgreSQL died and will not come back)
   * @param drain fails readiness once the instance is shutting down
   */
  public HealthApi(GifStore store, BooleanSupplier recoverable, Drain drain) {
    this.store = store;
    this.recoverable = recoverable;
    this.drain = drain;
  }

  /** Registers {@code GET /healthz} and {@code GET /readyz}. */
  public void routes(RoutesConfig routes) {
    routes.get("/healthz", this::live);
    routes.get("/readyz", this::ready);
  }

  public void live(Context ctx) {
    if (recoverable.getAsBoolean()) {
      ctx.contentType("application/json").result("{\"status\":\"ok\"}");
    } else {
      ctx.status(503)
          .contentType("application/json")
          .result(
              "{\"status\":\"failed\",\"error\":\"database: embedded PostgreSQL will not"
                  + " restart\"}");
    }
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
