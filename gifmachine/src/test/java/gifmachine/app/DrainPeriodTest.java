package gifmachine.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gifmachine.app.health.Drain;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DrainPeriodTest {

  @ParameterizedTest
  @CsvSource({"'', false, 50", "'', true, 0", "0, false, 0", "' 7 ', true, 7", "100, false, 100"})
  void the_drain_period_is_read_from_GIFMACHINE_DRAIN_SECONDS(
      String value, boolean localMode, long seconds) {
    Map<String, String> env =
        value.isEmpty() ? Map.of() : Map.of("GIFMACHINE_DRAIN_SECONDS", value);

    assertThat(Drain.periodFromEnvironment(env, localMode)).isEqualTo(Duration.ofSeconds(seconds));
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1", "101", "30s", "1.5"})
  void a_drain_period_outside_0_to_100_seconds_is_refused_with_a_hint(String value) {
    assertThatThrownBy(
            () -> Drain.periodFromEnvironment(Map.of("GIFMACHINE_DRAIN_SECONDS", value), false))
        .isInstanceOf(GifmachineStartupException.class)
        .hasMessage("GIFMACHINE_DRAIN_SECONDS is not a drain period: got \"" + value + "\"")
        .satisfies(e -> assertThat(((GifmachineStartupException) e).hint()).contains("0 to 100"));
  }
}
