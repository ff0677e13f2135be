package gifmachine.app;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

/** Real JDK HTTP and WebSocket clients against a running app. */
final class Clients {
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final URI base;

  Clients(URI base) {
    this.base = base;
  }

  HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(base.resolve(path)).GET());
  }

  HttpResponse<String> getHtml(String path) {
    return send(HttpRequest.newBuilder(base.resolve(path)).header("Accept", "text/html").GET());
  }

  HttpResponse<String> postForm(String path, Map<String, String> fields) {
    return send(formPost(path, fields));
  }

  /** A form POST of {@code fields} to {@code path}, to send as it is or adjusted. */
  HttpRequest.Builder formPost(String path, Map<String, String> fields) {
    String body =
        fields.entrySet().stream()
            .map(
                e ->
                    URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)
                        + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    return HttpRequest.newBuilder(base.resolve(path))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString(body));
  }

  HttpResponse<String> postJson(String path, String json) {
    return send(
        HttpRequest.newBuilder(base.resolve(path))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json)));
  }

  HttpResponse<String> send(HttpRequest.Builder request) {
    try {
      return http.send(
          request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Opens a WebSocket on {@code /} and collects every text message. */
  Socket socket() {
    Socket socket = new Socket();
    URI ws = URI.create("ws://" + base.getHost() + ":" + base.getPort() + "/");
    // Bounded like every other request here: a handshake that never completes fails the test
    // instead of holding the whole suite (it once hung DatabaseRestartIT for minutes). The
    // failure carries a dump of every thread, virtual ones too: the server runs in this JVM, so
    // the dump shows where its side of the upgrade stood.
    try {
      socket.webSocket =
          http.newWebSocketBuilder()
              .connectTimeout(Duration.ofSeconds(20))
              .buildAsync(ws, socket)
              .orTimeout(30, TimeUnit.SECONDS)
              .join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof TimeoutException
          || e.getCause() instanceof HttpTimeoutException) {
        throw new AssertionError(
            "WebSocket handshake with " + ws + " did not complete; threads: " + dumpThreads(), e);
      }
      throw e;
    }
    return socket;
  }

  /** Writes every thread's stack, virtual threads included, to a file under target/. */
  private static String dumpThreads() {
    Path file = Path.of("target", "thread-dump-" + System.nanoTime() + ".txt").toAbsolutePath();
    try {
      ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
          .dumpThreads(file.toString(), HotSpotDiagnosticMXBean.ThreadDumpFormat.TEXT_PLAIN);
      return file.toString();
    } catch (IOException | RuntimeException e) {
      return "not dumped (" + e + ")";
    }
  }

  static final class Socket implements WebSocket.Listener, AutoCloseable {
    final BlockingQueue<String> messages = new LinkedBlockingQueue<>();

    /** The status code of the server's close frame; never completes if the connection is cut. */
    final CompletableFuture<Integer> closeCode = new CompletableFuture<>();

    /** Completes when the connection broke without a close frame. */
    final CompletableFuture<Throwable> error = new CompletableFuture<>();

    private final StringBuilder partial = new StringBuilder();
    WebSocket webSocket;

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      partial.append(data);
      if (last) {
        messages.add(partial.toString());
        partial.setLength(0);
      }
      ws.request(1);
      return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
      closeCode.complete(statusCode);
      return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable e) {
      error.complete(e);
    }

    /** The next message, or fails the test after {@code seconds}. */
    String next(int seconds) {
      try {
        String message = messages.poll(seconds, TimeUnit.SECONDS);
        if (message == null) {
          throw new AssertionError("no WebSocket message within " + seconds + " s");
        }
        return message;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }

    /** Skips messages until one contains {@code text}. */
    String nextContaining(String text, int seconds) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      while (System.nanoTime() < deadline) {
        String message = next(seconds);
        if (message.contains(text)) {
          return message;
        }
      }
      throw new AssertionError("no WebSocket message containing " + text);
    }

    @Override
    public void close() {
      webSocket.abort();
    }
  }
}
