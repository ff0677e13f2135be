package gifmachine.app.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gifmachine.app.gif.Gif;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestLogTest {
  private final ObjectMapper json = new ObjectMapper();
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final RequestLog log = new RequestLog(out);

  @Test
  void each_request_is_one_line_of_json_with_its_fields_in_a_fixed_order() throws Exception {
    log.log("GET", "/gif", 200, 1.23456);

    List<String> lines = lines();
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0))
        .matches(
            "\\{\"ts\":\"[0-9T:.Z-]+\",\"method\":\"GET\",\"route\":\"/gif\",\"status\":200,"
                + "\"duration_ms\":1\\.23}");
    assertThat(Instant.parse(json.readTree(lines.get(0)).get("ts").asText())).isNotNull();
  }

  @Test
  void client_chosen_text_with_quotes_backslashes_and_newlines_stays_inside_its_field()
      throws Exception {
    String url = "https://e.com/\"},{\"x\":\"\\\n\r\u0000\u2028.gif";
    String who = "bob\"\n{\"event\":\"forged\"}";
    log.logPosted("PO\"ST\n", "/gif", 200, 0.004, new Gif(42, url, who, Instant.EPOCH, "", ""));

    List<String> lines = lines();
    assertThat(lines).hasSize(1);
    JsonNode line = json.readTree(lines.get(0));
    assertThat(line.get("method").asText()).isEqualTo("PO\"ST\n");
    assertThat(line.get("event").asText()).isEqualTo("gif_posted");
    assertThat(line.get("gif_id").asLong()).isEqualTo(42);
    assertThat(line.get("url").asText()).isEqualTo(url);
    assertThat(line.get("who").asText()).isEqualTo(who);
    assertThat(line.get("duration_ms").asDouble()).isEqualTo(0.0);
  }

  @Test
  void lines_written_from_many_threads_never_interleave() throws Exception {
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      String route = "/route-" + t + "-" + "x".repeat(500);
      threads.add(
          Thread.ofVirtual()
              .start(
                  () -> {
                    for (int i = 0; i < 200; i++) {
                      log.log("GET", route, 200, i);
                    }
                  }));
    }
    for (Thread thread : threads) {
      thread.join();
    }

    List<String> lines = lines();
    assertThat(lines).hasSize(1600);
    for (String line : lines) {
      assertThat(json.readTree(line).get("route").asText()).startsWith("/route-");
    }
  }

  private List<String> lines() {
    log.close();
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text).endsWith("\n");
    return text.lines().toList();
  }
}
