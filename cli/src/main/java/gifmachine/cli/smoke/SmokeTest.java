package gifmachine.cli.smoke;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gifmachine.cli.smoke.SmokeReport.Check;
import gifmachine.cli.smoke.SmokeReport.Status;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/**
 * Proves a deployed Gifmachine works end to end, as its users use it: {@code GET /healthz}; a
 * WebSocket on {@code /} (a kiosk); {@code POST /gif} with the API password and a unique marker in
 * the meme text (a chat bot); {@code GET /gif} returns that gif; the WebSocket receives it. Behind
 * a load balancer the read-back and the WebSocket may hit other tasks than the POST, so both wait
 * (within the time budget) for the fan-out.
 *
 * <pre>{@code
 * SmokeReport report = SmokeTest.run(URI.create("http://gifs.example.com"), password, Duration.ofSeconds(30));
 * if (!report.passed()) System.err.print(report.render());
 * }</pre>
 *
 * <p>The password goes only into the POST body: it is never in a report, a log or an exception.
 */
public final class SmokeTest {

  /** A small, long-lived public gif: what kiosks show for a moment after a deploy. */
  public static final String DEFAULT_GIF_URL =
      "https://upload.wikimedia.org/wikipedia/commons/2/2c/Rotating_earth_%28large%29.gif";

  private final HttpClient client;
  private final ObjectMapper json = new ObjectMapper();
  private final String gifUrl;

  public SmokeTest(HttpClient client, String gifUrl) {
    this.client = client;
    this.gifUrl = gifUrl;
  }

  /** Runs every check against {@code baseUrl} within {@code timeout} in all. */
  public static SmokeReport run(URI baseUrl, String secret, Duration timeout) {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    return new SmokeTest(client, DEFAULT_GIF_URL).check(baseUrl, secret, timeout);
  }

  public SmokeReport check(URI baseUrl, String secret, Duration timeout) {
    URI base = baseUrl.getPath().endsWith("/") ? baseUrl : URI.create(baseUrl + "/");
    Instant deadline = Instant.now().plus(timeout);
    String marker = "smoke-" + UUID.randomUUID().toString().substring(0, 8);
    List<Check> checks = new ArrayList<>();
    Messages messages = new Messages();

    Check health = timed("healthz", () -> health(base, deadline));
    checks.add(health);
    if (health.status() != Status.PASSED) {
      return notRun(
          baseUrl, checks, "websocket open", "post gif", "read back", "websocket receive");
    }
    WebSocket[] socket = new WebSocket[1];
    Check open =
        timed(
            "websocket open",
            () -> {
              socket[0] = openWebSocket(base, messages, deadline);
              return "connected to " + webSocketUri(base);
            });
    checks.add(open);
    try {
      Check post = timed("post gif", () -> post(base, secret, marker, deadline));
      checks.add(post);
      if (post.status() != Status.PASSED) {
        return notRun(baseUrl, checks, "read back", "websocket receive");
      }
      checks.add(timed("read back", () -> readBack(base, marker, deadline)));
      if (open.status() == Status.PASSED) {
        checks.add(timed("websocket receive", () -> receive(messages, marker, deadline)));
      } else {
        checks.add(
            new Check(
                "websocket receive", Status.NOT_RUN, Duration.ZERO, "the WebSocket did not open"));
      }
      return new SmokeReport(baseUrl, checks);
    } finally {
      if (socket[0] != null) {
        socket[0].abort();
      }
    }
  }

  private String health(URI base, Instant deadline) throws Exception {
    HttpResponse<String> response =
        send(HttpRequest.newBuilder(base.resolve("healthz")).GET(), deadline);
    expect(response, 200, "GET /healthz");
    return "GET /healthz answered 200";
  }

  private String post(URI base, String secret, String marker, Instant deadline) throws Exception {
    Map<String, String> form = new LinkedHashMap<>();
    form.put("url", gifUrl);
    form.put("who", "gifmachine-on-aws smoke test");
    form.put("meme_top", "smoke test");
    form.put("meme_bottom", marker);
    form.put("secret", secret);
    String body =
        form.entrySet().stream()
            .map(
                e ->
                    URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                        + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(base.resolve("gif"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)),
            deadline);
    if (response.statusCode() == 403) {
      throw new SmokeFailure(
          "POST /gif answered 403: the API password was refused; "
              + "use the password stored in Secrets Manager for this deployment");
    }
    expect(response, 200, "POST /gif");
    return "POST /gif answered 200 (meme_bottom " + marker + ")";
  }

  private String readBack(URI base, String marker, Instant deadline) throws Exception {
    String last = "";
    int attempts = 0;
    // Other tasks learn of the gif through the database; poll until it shows or time runs out.
    while (true) {
      attempts++;
      HttpResponse<String> response;
      try {
        response = send(HttpRequest.newBuilder(base.resolve("gif")).GET(), deadline);
      } catch (SmokeFailure outOfTime) {
        // Time ran out during a later try: what matters is that the gif never came back.
        if (attempts > 1) {
          throw neverReturned(marker, last);
        }
        throw outOfTime;
      }
      expect(response, 200, "GET /gif");
      last = response.body();
      if (hasMarker(last, marker)) {
        return "GET /gif returned the posted gif"
            + (attempts > 1 ? " after " + attempts + " tries" : "");
      }
      if (Instant.now().plusMillis(200).isAfter(deadline)) {
        throw neverReturned(marker, last);
      }
      Thread.sleep(200);
    }
  }

  private static SmokeFailure neverReturned(String marker, String last) {
    return new SmokeFailure(
        "GET /gif never returned the posted gif ("
            + marker
            + "); last answer: "
            + abbreviate(last));
  }

  private String receive(Messages messages, String marker, Instant deadline) throws Exception {
    while (true) {
      String message =
          messages.queue.poll(
              Math.max(1, Duration.between(Instant.now(), deadline).toMillis()),
              TimeUnit.MILLISECONDS);
      if (message == null) {
        throw new SmokeFailure(
            "the WebSocket did not receive the posted gif ("
                + marker
                + ") in time; "
                + messages.count
                + " other message(s) arrived");
      }
      messages.count++;
      if (hasMarker(message, marker)) {
        return "the WebSocket received the posted gif";
      }
    }
  }

  private boolean hasMarker(String body, String marker) {
    try {
      JsonNode gif = json.readTree(body);
      return marker.equals(gif.path("meme_bottom").asText())
          || marker.equals(gif.path("meme_top").asText());
    } catch (IOException notJson) {
      return false;
    }
  }

  private WebSocket openWebSocket(URI base, Messages messages, Instant deadline) throws Exception {
    try {
      return client
          .newWebSocketBuilder()
          .connectTimeout(remaining(deadline))
          .buildAsync(webSocketUri(base), messages)
          .get(remaining(deadline).toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException handshake) {
        throw new SmokeFailure(
            "the WebSocket on / was refused (HTTP "
                + handshake.getResponse().statusCode()
                + "); the load balancer or the app does not upgrade / to a WebSocket");
      }
      throw new SmokeFailure("the WebSocket on / could not be opened: " + describe(e.getCause()));
    } catch (TimeoutException e) {
      throw new SmokeFailure("the WebSocket on / did not open in time");
    }
  }

  static URI webSocketUri(URI base) {
    String scheme = "https".equalsIgnoreCase(base.getScheme()) ? "wss" : "ws";
    return URI.create(scheme + base.toString().substring(base.getScheme().length()));
  }

  private HttpResponse<String> send(HttpRequest.Builder request, Instant deadline)
      throws Exception {
    try {
      return client.send(
          request.timeout(remaining(deadline)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new SmokeFailure(describe(e));
    }
  }

  private static Duration remaining(Instant deadline) throws SmokeFailure {
    Duration left = Duration.between(Instant.now(), deadline);
    if (left.isNegative() || left.isZero()) {
      throw new SmokeFailure("out of time");
    }
    return left;
  }

  private static void expect(HttpResponse<String> response, int status, String what)
      throws SmokeFailure {
    if (response.statusCode() != status) {
      throw new SmokeFailure(
          what
              + " answered "
              + response.statusCode()
              + " (expected "
              + status
              + "): "
              + abbreviate(response.body()));
    }
  }

  private static String describe(Throwable error) {
    if (error instanceof HttpConnectTimeoutException) {
      return "connecting timed out; check the URL and that the load balancer accepts traffic";
    }
    if (error instanceof HttpTimeoutException) {
      return "no answer in time";
    }
    if (error instanceof ConnectException) {
      return "cannot connect (connection refused); check the URL and that the service runs";
    }
    return error.getClass().getSimpleName()
        + (error.getMessage() == null ? "" : ": " + error.getMessage());
  }

  private static String abbreviate(String body) {
    String flat = body.replaceAll("\\s+", " ").strip();
    return flat.length() > 200 ? flat.substring(0, 200) + "…" : flat;
  }

  private static SmokeReport notRun(URI baseUrl, List<Check> checks, String... names) {
    for (String name : names) {
      checks.add(new Check(name, Status.NOT_RUN, Duration.ZERO, "an earlier check failed"));
    }
    return new SmokeReport(baseUrl, checks);
  }

  private interface Step {
    String run() throws Exception;
  }

  private static Check timed(String name, Step step) {
    Instant start = Instant.now();
    try {
      String detail = step.run();
      return new Check(name, Status.PASSED, Duration.between(start, Instant.now()), detail);
    } catch (SmokeFailure failure) {
      return new Check(
          name, Status.FAILED, Duration.between(start, Instant.now()), failure.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Check(name, Status.FAILED, Duration.between(start, Instant.now()), "interrupted");
    } catch (Exception e) {
      return new Check(name, Status.FAILED, Duration.between(start, Instant.now()), describe(e));
    }
  }

  /** A check failed for a reason worth showing as it is. */
  private static final class SmokeFailure extends Exception {
    SmokeFailure(String message) {
      super(message);
    }
  }

  /** Collects whole text messages from the WebSocket. */
  private static final class Messages implements WebSocket.Listener {
    final BlockingQueue<String> queue = new LinkedBlockingQueue<>();
    int count;
    private final StringBuilder partial = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        queue.add(partial.toString());
        partial.setLength(0);
      }
      webSocket.request(1);
      return null;
    }
  }
}
