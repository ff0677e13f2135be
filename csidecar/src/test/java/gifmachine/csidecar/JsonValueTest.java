package gifmachine.csidecar;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonValueTest {

  private static JsonValue parse(String json) throws IOException {
    return JsonValue.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void nested_fields_and_array_elements_are_reached_by_path() throws Exception {
    JsonValue task =
        parse(
            """
        {"Limits":{"CPU":0.25,"Memory":512},"Containers":[{"Name":"app"},{"Name":"csidecar"}]}""");

    assertThat(task.path("Limits").path("CPU").asDouble(0)).isEqualTo(0.25);
    assertThat(task.path("Limits").path("Memory").asLong(0)).isEqualTo(512);
    assertThat(task.path("Containers").path(1).path("Name").asText()).isEqualTo("csidecar");
    assertThat(task.path("Containers").size()).isEqualTo(2);
    assertThat(task.path("Containers").values())
        .extracting(c -> c.path("Name").asText())
        .containsExactly("app", "csidecar");
    assertThat(task.fields())
        .extracting(java.util.Map.Entry::getKey)
        .containsExactly("Limits", "Containers");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{}                       | missing field",
        "{\"v\":null}             | null",
        "{\"v\":{\"a\":1}}        | an object",
        "{\"v\":[1]}              | an array",
        "{\"v\":\"twelve\"}       | text that is not a number",
      })
  void anything_but_a_number_reads_as_the_default(String json, String what) throws Exception {
    JsonValue v = parse(json).path("v");

    assertThat(v.asLong(-1)).as(what).isEqualTo(-1);
    assertThat(v.asDouble(-1.5)).as(what).isEqualTo(-1.5);
    assertThat(v.asInt(-2)).as(what).isEqualTo(-2);
  }

  @Test
  void numbers_written_as_text_are_read_like_jackson_reads_them() throws Exception {
    JsonValue v = parse("{\"n\":\" 42 \",\"d\":\"0.5\",\"t\":7}");

    assertThat(v.path("n").asLong(0)).isEqualTo(42);
    assertThat(v.path("d").asDouble(0)).isEqualTo(0.5);
    assertThat(v.path("t").asText()).isEqualTo("7");
  }

  @Test
  void paths_through_missing_or_wrong_types_end_in_missing() throws Exception {
    JsonValue v = parse("{\"a\":[1,2],\"s\":\"x\"}");

    assertThat(v.path("a").path("b")).isEqualTo(JsonValue.MISSING);
    assertThat(v.path("a").path(5)).isEqualTo(JsonValue.MISSING);
    assertThat(v.path("s").path(0)).isEqualTo(JsonValue.MISSING);
    assertThat(v.path("nope").asText("fallback")).isEqualTo("fallback");
    assertThat(v.path("nope").isEmpty()).isTrue();
    assertThat(v.has("a")).isTrue();
    assertThat(v.has("nope")).isFalse();
    assertThat(v.isObject()).isTrue();
    assertThat(v.path("a").isObject()).isFalse();
  }

  @Test
  void text_that_is_not_json_is_an_error() {
    assertThatThrownBy(() -> parse("{not json")).isInstanceOf(IOException.class);
  }
}
