package gifmachine.cdepot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HeartbeatParserTest {

  private final HeartbeatParser parser = new HeartbeatParser(new ObjectMapper().getFactory());

  private Heartbeat parse(String body) throws HeartbeatParser.InvalidHeartbeat {
    return parser.parse(body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void the_original_go_sidecar_json_is_accepted() throws Exception {
    Heartbeat heartbeat =
        parse(
            """
            {"cluster":"prod","function":"","gitBranch":"main","taskID":"abc123",\
            "localIP":"10.0.1.5:8080","publicIP":":8080"}""");

    assertThat(heartbeat)
        .isEqualTo(
            new Heartbeat(
                "prod",
                "",
                "abc123",
                "10.0.1.5:8080",
                ":8080",
                "main",
                java.util.List.of("10.0.1.5:8080")));
  }

  @Test
  void extra_targets_follow_the_sidecar_without_duplicates() throws Exception {
    Heartbeat heartbeat =
        parse(
            """
            {"localIP":"10.0.1.5:8080","targets":["10.0.1.5:4567","10.0.1.5:8080","[::1]:9"]}""");

    assertThat(heartbeat.targets()).containsExactly("10.0.1.5:8080", "10.0.1.5:4567", "[::1]:9");
    assertThat(heartbeat.cluster()).isEmpty();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "not json | body: must be a JSON object",
        "[1,2] | body: must be a JSON object",
        "'' | body: must be a JSON object",
        "{} | localIP: required (host:port)",
        "{\"localIP\":null} | localIP: required (host:port)",
        "{\"localIP\":8080} | localIP: must be a string host:port",
        "{\"localIP\":\"10.0.0.1\"} | localIP: must be host:port",
        "{\"localIP\":\"10.0.0.1:\"} | localIP: must be host:port",
        "{\"localIP\":\":8080\"} | localIP: must be host:port",
        "{\"localIP\":\"10.0.0.1:0\"} | localIP: port must be a number 1-65535",
        "{\"localIP\":\"10.0.0.1:65536\"} | localIP: port must be a number 1-65535",
        "{\"localIP\":\"10.0.0.1:http\"} | localIP: port must be a number 1-65535",
        "{\"localIP\":\"bad host:80\"} | localIP: host must be a name or an IP address",
        "{\"localIP\":\"h:80\",\"cluster\":7} | cluster: must be a string",
        "{\"localIP\":\"h:80\",\"taskID\":\"a\\nb\"} | taskID: must not contain control characters",
        "{\"localIP\":\"h:80\",\"gitBranch\":\"\\u0000\"} | gitBranch: must not contain control characters",
        "{\"localIP\":\"h:80\",\"targets\":\"h:81\"} | targets: must be an array of host:port strings",
        "{\"localIP\":\"h:80\",\"targets\":[81]} | targets: must be an array of host:port strings",
        "{\"localIP\":\"h:80\",\"targets\":[\"h:99999\"]} | targets: port must be a number 1-65535",
        "{\"localIP\":\"h:80\"}x | body: must be a JSON object",
        "{\"localIP\":\"h:80\"}} | body: must be a JSON object",
        "{\"localIP\":\"h:80\"}{\"localIP\":\"h:81\"} | body: must be a JSON object",
        "{\"localIP\":\"h:80\"} 7 | body: must be a JSON object",
        "{\"localIP\":\"h:80\"}[] | body: must be a JSON object",
      })
  void malformed_heartbeats_are_rejected_naming_the_field(String body, String error) {
    assertThatThrownBy(() -> parse(body)).hasMessage(error);
  }

  @Test
  void whitespace_after_the_object_is_fine() throws Exception {
    assertThat(parse("{\"localIP\":\"h:80\"} \r\n\t ").localIP()).isEqualTo("h:80");
  }

  @Test
  void labels_longer_than_128_characters_are_rejected() {
    String body = "{\"localIP\":\"h:80\",\"function\":\"" + "f".repeat(129) + "\"}";

    assertThatThrownBy(() -> parse(body)).hasMessage("function: at most 128 characters");
  }

  @Test
  void a_label_of_exactly_128_characters_is_fine() throws Exception {
    assertThat(parse("{\"localIP\":\"h:80\",\"function\":\"" + "f".repeat(128) + "\"}").function())
        .hasSize(128);
  }

  @Test
  void more_than_sixteen_extra_targets_are_rejected() {
    String many = "\"h:1\",".repeat(17);
    String body =
        "{\"localIP\":\"h:80\",\"targets\":[" + many.substring(0, many.length() - 1) + "]}";

    assertThatThrownBy(() -> parse(body)).hasMessage("targets: at most 16 entries");
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(
      strings = {
        "10.0.1.5",
        "h",
        "my-host.example_1",
        "[::1]",
        "[fe80::1:2]",
        "[::ffff:10.0.0.1]",
        "[:]",
        "[]",
        "[zz::1]",
        "[::1",
        "::1]",
        "bad host",
        "-h",
        ".h",
        "_h",
        "h/1",
        "héllo",
        "h\u0000",
        "",
        "[0123456789abcdef0123456789abcdef0123456789abc]",
        "[0123456789abcdef0123456789abcdef0123456789abcd]",
      })
  void hosts_are_accepted_exactly_as_the_earlier_regular_expression_did(String host) {
    Pattern regex =
        Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9._-]{0,252})|\\[[0-9A-Fa-f:.]{2,45}\\]");
    assertThat(HeartbeatParser.isHost(host)).isEqualTo(regex.matcher(host).matches());
  }

  @Test
  void a_host_name_has_at_most_253_characters() {
    assertThat(HeartbeatParser.isHost("a".repeat(253))).isTrue();
    assertThat(HeartbeatParser.isHost("a".repeat(254))).isFalse();
  }
}
