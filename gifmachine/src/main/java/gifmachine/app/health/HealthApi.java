package gifmachine.app.health;

import gifmachine.app.gif.GifStore;
import io.javalin.http.Context;
import java.util.function.BooleanSupplier;

/**
 * Health checks for load balancers and orchestrators.
 *
 * <pre>{@code
 * curl localhost:4567/healthz   # 200 while the process serves HTTP and its database can recover
 * curl localhost:4567/readyz    # 200 when the database answers, 503 otherwise
 * }</pre>
 */
public final class HealthApi {
  private final GifStore store;
  private final BooleanSupplier recoverable;

  /**
   * @param recoverable false when the app cannot make progress without a restart (its embedded
   *     PostgreSQL died and will not come back)
   */
  public HealthApi(GifStore store, BooleanSupplier recoverable) {
    this.store = store;
    this.recoverable = recoverable;
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
    if (store.reachable()) {
      ctx.contentType("application/json").result("{\"status\":\"ready\"}");
    } else {
      ctx.status(503)
          .contentType("application/json")
          .result("{\"status\":\"unavailable\",\"error\":\"database: unreachable\"}");
    }
  }
}
