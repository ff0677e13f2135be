package gifmachine.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real headless Chromium showing one page, driven through the DevTools protocol (the smallest
 * client that evaluates scripts and takes screenshots), so tests wait for real events instead of
 * guessing times. Fails, never skips, when Chromium is missing.
 */
final class HeadlessChromium implements WebSocket.Listener, AutoCloseable {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final AtomicInteger ids = new AtomicInteger();
  private final StringBuilder partial = new StringBuilder();
  private final Process process;
  private final Path profile;
  private WebSocket socket;

  private HeadlessChromium(Process process, Path profile) {
    this.process = process;
    this.profile = profile;
  }

  /** Starts Chromium on {@code page}, its output in {@code log}, and connects to the page. */
  static HeadlessChromium open(URI page, Path log) throws Exception {
    assertThat(CHROMIUM)
        .as("Chromium is required (apt-get install chromium); this test fails, never skips")
        .isExecutable();
    Path profile = Files.createTempDirectory("gifmachine-chromium-");
    Process process =
        new ProcessBuilder(
                CHROMIUM.toString(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + profile,
                "--remote-debugging-address=127.0.0.1",
                "--remote-debugging-port=0",
                "--remote-allow-origins=*",
                "--window-size=1280,720",
                page.toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    HeadlessChromium chromium = new HeadlessChromium(process, profile);
    try {
      Path portFile = profile.resolve("DevToolsActivePort");
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> Files.exists(portFile) && Files.size(portFile) > 0);
      chromium.connect(Integer.parseInt(Files.readAllLines(portFile).get(0).strip()));
      return chromium;
    } catch (Exception | AssertionError e) {
      chromium.close();
      throw e;
    }
  }

  private void connect(int port) throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    JsonNode targets =
        JSON.readTree(
            http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString())
                .body());
    String url = null;
    for (JsonNode target : targets) {
      if (target.path("type").asText().equals("page")) {
        url = target.path("webSocketDebuggerUrl").asText();
      }
    }
    assertThat(url).as("a page target in %s", targets).isNotNull();
    socket = http.newWebSocketBuilder().buildAsync(URI.create(url), this).join();
  }

  String evaluate(String expression) throws Exception {
    JsonNode result =
        call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true));
    return result.path("result").path("value").asText();
  }

  byte[] screenshot() throws Exception {
    JsonNode result = call("Page.captureScreenshot", Map.of("format", "png"));
    return Base64.getDecoder().decode(result.path("data").asText());
  }

  private JsonNode call(String method, Map<String, Object> params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> response = new CompletableFuture<>();
    pending.put(id, response);
    socket
        .sendText(
            JSON.writeValueAsString(Map.of("id", id, "method", method, "params", params)), true)
        .join();
    JsonNode message = response.get(15, TimeUnit.SECONDS);
    assertThat(message.has("error")).as("%s failed: %s", method, message).isFalse();
    return message.path("result");
  }

  @Override
  public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
    partial.append(data);
    if (last) {
      try {
        JsonNode message = JSON.readTree(partial.toString());
        CompletableFuture<JsonNode> waiting = pending.remove(message.path("id").asInt(-1));
        if (waiting != null) {
          waiting.complete(message);
        }
      } catch (IOException e) {
        // events we cannot read are not ours
      }
      partial.setLength(0);
    }
    ws.request(1);
    return null;
  }

  @Override
  public void close() throws InterruptedException {
    if (socket != null) {
      socket.abort();
    }
    process.destroy();
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
