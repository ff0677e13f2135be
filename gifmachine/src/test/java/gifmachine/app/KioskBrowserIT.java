package gifmachine.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * Headless Chromium opens the kiosk; a gif served by this test and posted through the API shows up
 * with its meme text, live over the WebSocket. Driven through the DevTools protocol so the test
 * waits for real events instead of guessing times. Screenshot: {@code target/kiosk.png}.
 */
class KioskBrowserIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void a_posted_gif_appears_on_the_kiosk_with_its_meme_text() throws Exception {
    byte[] gif = testGif();
    AtomicInteger gifRequests = new AtomicInteger();
    HttpServer images = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    images.createContext(
        "/cat.gif",
        exchange -> {
          gifRequests.incrementAndGet();
          exchange.getResponseHeaders().add("Content-Type", "image/gif");
          exchange.sendResponseHeaders(200, gif.length);
          exchange.getResponseBody().write(gif);
          exchange.close();
        });
    images.start();
    String gifUrl = "http://127.0.0.1:" + images.getAddress().getPort() + "/cat.gif";
    HeadlessChromium chromium = null;
    try (Gifmachine app =
        Gifmachine.start(
            new GifmachineConfig("127.0.0.1", 0, "pw", false, TestPostgres.newDatabase()))) {
      Clients clients = new Clients(app.baseUri());
      HeadlessChromium page =
          HeadlessChromium.open(app.baseUri(), Path.of("target", "chromium.log"));
      chromium = page;

      // The kiosk has opened its WebSocket: from here on it hears every new gif.
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () ->
                  assertThat(clients.get("/metrics").body())
                      .containsPattern("(?m)^gifmachine_websocket_clients 1"));

      var posted =
          clients.postForm(
              "/gif",
              Map.of(
                  "url",
                  gifUrl,
                  "who",
                  "chromium",
                  "meme_top",
                  "hello kiosk",
                  "meme_bottom",
                  "<b>not bold</b> & fine",
                  "secret",
                  "pw"));
      assertThat(posted.statusCode()).isEqualTo(200);

      String probe =
          "JSON.stringify({src: document.getElementById('gif').src,"
              + " width: document.getElementById('gif').naturalWidth,"
              + " innerWidth: window.innerWidth, innerHeight: window.innerHeight,"
              + " shownWidth: document.getElementById('gif').clientWidth,"
              + " top: document.getElementById('meme-top').textContent,"
              + " bottom: document.getElementById('meme-bottom').textContent,"
              + " bold: document.querySelectorAll('b').length,"
              + " topWidth: document.getElementById('meme-top').scrollWidth,"
              + " font: getComputedStyle(document.getElementById('meme-top')).fontFamily,"
              + " fontSize: parseFloat(getComputedStyle(document.getElementById('meme-top')).fontSize)})";
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(200))
          .untilAsserted(() -> assertThat(page.evaluate(probe)).contains(gifUrl));
      JsonNode state = JSON.readTree(page.evaluate(probe));

      assertThat(state.path("src").asText()).isEqualTo(gifUrl);
      assertThat(state.path("width").asInt()).isEqualTo(320);
      // As large as the window allows at the gif's aspect ratio (small gifs are scaled up).
      int innerWidth = state.path("innerWidth").asInt();
      int innerHeight = state.path("innerHeight").asInt();
      int fitted = (int) Math.floor(320 * Math.min(innerWidth / 320.0, innerHeight / 240.0));
      assertThat(state.path("shownWidth").asInt()).isBetween(fitted - 1, fitted).isGreaterThan(320);
      assertThat(state.path("top").asText()).isEqualTo("hello kiosk");
      assertThat(state.path("bottom").asText()).isEqualTo("<b>not bold</b> & fine");
      assertThat(state.path("bold").asInt()).isZero();
      assertThat(state.path("font").asText()).contains("Impact");
      assertThat(state.path("fontSize").asDouble()).isBetween(20.0, 144.0);
      assertThat(state.path("topWidth").asInt()).isLessThanOrEqualTo(fitted);
      assertThat(gifRequests.get()).isGreaterThanOrEqualTo(1);

      byte[] png = page.screenshot();
      Files.write(Path.of("target", "kiosk.png"), png);
      assertThat(png).startsWith(new byte[] {(byte) 0x89, 'P', 'N', 'G'});
      BufferedImage shot = ImageIO.read(new java.io.ByteArrayInputStream(png));
      assertThat(shot.getWidth()).isEqualTo(innerWidth);
      // The centre of the screen shows the test gif's colour, not the black background.
      Color centre = new Color(shot.getRGB(innerWidth / 2, innerHeight / 4));
      assertThat(centre.getBlue()).isGreaterThan(150);
    } finally {
      if (chromium != null) {
        chromium.close();
      }
      images.stop(0);
    }
  }

  /** A real 320x240 GIF: blue with a yellow bar, written by the JDK's own encoder. */
  private static byte[] testGif() throws IOException {
    BufferedImage image = new BufferedImage(320, 240, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(new Color(30, 60, 220));
    g.fillRect(0, 0, 320, 240);
    g.setColor(Color.YELLOW);
    g.fillRect(0, 100, 320, 40);
    g.dispose();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(ImageIO.write(image, "gif", out)).isTrue();
    return out.toByteArray();
  }
}
