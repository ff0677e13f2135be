package gifmachine.hook;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

/**
 * What a kiosk and a chat bot need from a new revision, checked in the order they need it:
 * readiness, {@code GET /gif}, the kiosk page and its script, then the WebSocket handshake and its
 * first message (the latest gif). The first failure is the answer; every call has a timeout.
 *
 * <pre>{@code
 * CheckResult result = new GreenChecks(Duration.ofSeconds(5)).run("http://alb:8080/");
 * }</pre>
 */
public final class GreenChecks {
  static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
  private static final int BODY_IN_REASON = 160;
  private static final Pattern GIF_MESSAGE = Pattern.compile("\"type\"\\s*:\\s*\"gif\"");

  private final Duration timeout;
  private final HttpClient http;

  public GreenChecks(Duration timeout) {
    this.timeout = timeout;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** Checks the revision behind {@code baseUrl} ({@code http(s)://host:port/}). */
  public CheckResult run(String baseUrl) {
    URI base = URI.create(baseUrl.endsWith("/") ? baseUrl : baseUrl + "/");
    HttpResponse<String> ready;
    try {
      ready = get(base.resolve("/readyz"), "application/json");
    } catch (IOException e) {
      return CheckResult.notYet("readiness: no answer from " + base + ": " + describe(e));
    }
    if (ready.statusCode() != 200) {
      return CheckResult.notYet(
          "readiness: GET /readyz answered " + ready.statusCode() + " " + excerpt(ready.body()));
    }
    try {
      HttpResponse<String> gif = get(base.resolve("/gif"), "application/json");
      if (gif.statusCode() != 200 || !gif.body().strip().startsWith("{")) {
        return CheckResult.failed(
            "GET /gif: answered " + gif.statusCode() + " " + excerpt(gif.body()));
      }
      HttpResponse<String> page = get(base, "text/html");
      if (page.statusCode() != 200
          || !page.body().contains("data-mode=\"kiosk\"")
          || !page.body().contains("/gif.js")) {
        return CheckResult.failed(
            "kiosk page: GET / answered "
                + page.statusCode()
                + " without the kiosk markup and its script: "
                + excerpt(page.body()));
      }
      HttpResponse<String> script = get(base.resolve("/gif.js"), "*/*");
      if (script.statusCode() != 200 || !script.body().contains("WebSocket")) {
        return CheckResult.failed(
            "kiosk page: GET /gif.js answered "
                + script.statusCode()
                + " "
                + excerpt(script.body()));
      }
    } catch (IOException e) {
      return CheckResult.failed("HTTP: " + describe(e));
    }
    return webSocket(base);
  }

  private CheckResult webSocket(URI base) {
    String scheme = base.getScheme().equals("https") ? "wss" : "ws";
    URI ws = URI.create(scheme + "://" + base.getRawAuthority() + "/");
    CompletableFuture<String> first = new CompletableFuture<>();
    WebSocket socket;
    try {
      socket =
          http.newWebSocketBuilder()
              .connectTimeout(timeout)
              .buildAsync(ws, new FirstMessage(first))
              .get(timeout.toMillis() * 2, TimeUnit.MILLISECONDS);
    } catch (ExecutionException | CompletionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof WebSocketHandshakeException handshake) {
        return CheckResult.failed(
            "WebSocket: GET / did not upgrade, answered " + handshake.getResponse().statusCode());
      }
      return CheckResult.failed("WebSocket: handshake failed: " + describe(cause));
    } catch (TimeoutException e) {
      return CheckResult.failed("WebSocket: no handshake within " + timeout.toSeconds() * 2 + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return CheckResult.failed("WebSocket: interrupted");
    }
    try {
      String message = first.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!GIF_MESSAGE.matcher(message).find()) {
        return CheckResult.failed("WebSocket: first message is not a gif: " + excerpt(message));
      }
      return CheckResult.passed();
    } catch (TimeoutException e) {
      return CheckResult.failed(
          "WebSocket: no first message (the latest gif) within " + timeout.toSeconds() + " s");
    } catch (ExecutionException e) {
      return CheckResult.failed(
          "WebSocket: closed before its first message: " + describe(e.getCause()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return CheckResult.failed("WebSocket: interrupted");
    } finally {
      socket.abort();
    }
  }

  private HttpResponse<String> get(URI uri, String accept) throws IOException {
    HttpRequest request =
        HttpRequest.newBuilder(uri).timeout(timeout).header("Accept", accept).GET().build();
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static String describe(Throwable e) {
    String message = e.getMessage();
    return e.getClass().getSimpleName() + (message == null ? "" : " " + message);
  }

  private static String excerpt(String body) {
    String flat = body.replaceAll("\\s+", " ").strip();
    return flat.length() <= BODY_IN_REASON ? flat : flat.substring(0, BODY_IN_REASON) + "…";
  }

  /** Completes with the first whole text message, or exceptionally when the socket closes. */
  private record FirstMessage(CompletableFuture<String> first) implements WebSocket.Listener {
    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      // Messages here are small (one gif); a partial first frame is completed by its last part.
      first.complete(data.toString());
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      first.completeExceptionally(new IOException("closed with " + statusCode + " " + reason));
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable error) {
      first.completeExceptionally(error);
    }
  }
}
