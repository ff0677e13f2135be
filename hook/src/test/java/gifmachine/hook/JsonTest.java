package gifmachine.hook;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "plain | plain",
        "say \"hi\" | say \\\"hi\\\"",
        "back\\slash | back\\\\slash",
      })
  void reasons_are_escaped_for_the_log_line(String raw, String escaped) {
    assertThat(Json.escape(raw)).isEqualTo(escaped);
  }

  @org.junit.jupiter.api.Test
  void control_characters_never_break_the_line() {
    assertThat(Json.escape("a\nb\tc\u0001")).isEqualTo("a\\nb\\tc\\u0001");
  }
}
