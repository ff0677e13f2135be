package gifmachine.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Startup failures: one "what happened: why" line, one hint, exit code 2, no stack trace. */
class MainIT {

  static Stream<Arguments> failures() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    return Stream.of(
        Arguments.of(
            Map.of("DATABASE_URL", "postgres://u:hunter2@127.0.0.1:" + closedPort + "/g"),
            "gifmachine: GIFMACHINE_PASSWORD is not set"),
        Arguments.of(
            Map.of(
                "DATABASE_URL",
                "postgres://u:hunter2@127.0.0.1:" + closedPort + "/g",
                "GIFMACHINE_PASSWORD",
                "pw"),
            "gifmachine: database migration failed: Connection to 127.0.0.1:"
                + closedPort
                + " refused"));
  }

  @ParameterizedTest
  @MethodSource("failures")
  void startup_failures_explain_themselves_and_exit_non_zero(
      Map<String, String> env, String firstLine) {
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int code = Main.run(env, new PrintStream(err, true, StandardCharsets.UTF_8));

    String output = err.toString(StandardCharsets.UTF_8);
    assertThat(code).isEqualTo(2);
    assertThat(output.lines().findFirst())
        .hasValueSatisfying(l -> assertThat(l).startsWith(firstLine));
    assertThat(output.lines().count()).isEqualTo(2);
    assertThat(output)
        .doesNotContain("hunter2")
        .doesNotContain("\tat ")
        .doesNotContain("Exception");
  }
}
