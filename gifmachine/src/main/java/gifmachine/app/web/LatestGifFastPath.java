package gifmachine.app.web;

import gifmachine.app.gif.LatestGif;
import gifmachine.app.metrics.AppMetrics;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Answers {@code GET /gif} in Jetty's core handler, in front of the servlet layer that Javalin runs
 * on, on the thread that read the request, and hands every other request on to a thread of its own.
 * The answer is the latest gif's JSON, rendered once per gif ({@link LatestGif}), so the servlet
 * request and response wrappers, Javalin's context and routing were most of the cost of the busiest
 * endpoint the chat bots and kiosks poll (JFR under {@code wrk}: ~70 % of the samples in the
 * servlet layer and Javalin, 1 % in the handler; see docs/benchmarks.md). The same status, headers
 * and body as the Javalin route {@code GifApi.latest} (still there for {@code /gif/} and {@code
 * HEAD}), counted in the same metrics and request log.
 *
 * <p>This handler declares itself {@linkplain InvocationType#NON_BLOCKING non-blocking}, so Jetty
 * runs it on the selector thread that read the request instead of handing every request to a new
 * (virtual) thread and re-arming the selector from there: that hand-off was the largest cost left
 * in {@code GET /gif} after the servlet layer (docs/benchmarks.md, "Stop 9"). Only the answer from
 * memory runs there; everything else (the servlets, which block on JDBC and on request bodies) is
 * dispatched to the server's thread pool, exactly the thread Jetty would have used.
 * https://eclipse.dev/jetty/javadoc/jetty-12/org/eclipse/jetty/util/thread/Invocable.InvocationType.html
 *
 * <pre>{@code curl -i localhost:4567/gif}</pre>
 */
public final class LatestGifFastPath extends Handler.Wrapper {
  private static final String ROUTE = "/gif";

  private final LatestGif latest;
  private final AppMetrics.RouteObserver observer;
  private final RequestLog requestLog;

  public LatestGifFastPath(LatestGif latest, AppMetrics metrics, RequestLog requestLog) {
    this.latest = latest;
    this.observer = metrics.routeObserver("GET", ROUTE, 200);
    this.requestLog = requestLog;
  }

  @Override
  public InvocationType getInvocationType() {
    return InvocationType.NON_BLOCKING;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    if (!HttpMethod.GET.is(request.getMethod())
        || !ROUTE.equals(request.getHttpURI().getCanonicalPath())) {
      dispatch(request, response, callback);
      return true;
    }
    long start = System.nanoTime();
    byte[] body = latest.get().jsonBytes();
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
    double ms = (System.nanoTime() - start) / 1e6;
    observer.observe(ms / 1000.0);
    requestLog.log("GET", ROUTE, 200, ms);
    return true;
  }

  /** The rest of the handlers, which may block, on a thread of the server's pool. */
  private void dispatch(Request request, Response response, Callback callback) {
    Executor executor = getServer().getThreadPool();
    executor.execute(
        () -> {
          try {
            if (!super.handle(request, response, callback)) {
              Response.writeError(request, response, callback, HttpStatus.NOT_FOUND_404);
            }
          } catch (Throwable failure) {
            Response.writeError(request, response, callback, failure);
          }
        });
  }
}
