package gifmachine.app.web;

import gifmachine.app.gif.LatestGif;
import gifmachine.app.metrics.AppMetrics;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Answers {@code GET /gif} in Jetty's core handler, in front of the servlet layer that Javalin runs
 * on, and hands every other request on. The answer is the latest gif's JSON, rendered once per gif
 * ({@link LatestGif}), so the servlet request and response wrappers, Javalin's context and routing
 * were most of the cost of the busiest endpoint the chat bots and kiosks poll (JFR under {@code
 * wrk}: ~70 % of the samples in the servlet layer and Javalin, 1 % in the handler; see
 * docs/benchmarks.md). The same status, headers and body as the Javalin route {@code GifApi.latest}
 * (still there for {@code /gif/} and {@code HEAD}), counted in the same metrics and request log.
 *
 * <pre>{@code curl -i localhost:4567/gif}</pre>
 */
public final class LatestGifFastPath extends Handler.Wrapper {
  private static final String ROUTE = "/gif";

  private final LatestGif latest;
  private final AppMetrics metrics;
  private final RequestLog requestLog;

  public LatestGifFastPath(LatestGif latest, AppMetrics metrics, RequestLog requestLog) {
    this.latest = latest;
    this.metrics = metrics;
    this.requestLog = requestLog;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    if (!HttpMethod.GET.is(request.getMethod())
        || !ROUTE.equals(request.getHttpURI().getCanonicalPath())) {
      return super.handle(request, response, callback);
    }
    long start = System.nanoTime();
    byte[] body = latest.get().jsonBytes();
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), callback);
    double ms = (System.nanoTime() - start) / 1e6;
    metrics.observeRequest("GET", ROUTE, 200, ms / 1000.0);
    requestLog.log("GET", ROUTE, 200, ms);
    return true;
  }
}
