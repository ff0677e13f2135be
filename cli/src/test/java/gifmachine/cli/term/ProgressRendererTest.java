package gifmachine.cli.term;

import static org.assertj.core.api.Assertions.assertThat;

import gifmachine.cli.aws.StackEvent;
import gifmachine.cli.deploy.ProgressEvent;
import gifmachine.cli.deploy.StackResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProgressRendererTest {

  static final Instant T0 = Instant.parse("2026-11-27T12:00:00Z");
  final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
  Instant now = T0;
  final Clock clock =
      new Clock() {
        @Override
        public ZoneOffset getZone() {
          return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
          return this;
        }

        @Override
        public Instant instant() {
          return now;
        }
      };

  static StackEvent event(
      String stack, String logicalId, String type, String status, String reason) {
    return new StackEvent(logicalId + status, stack, logicalId, type, status, reason, T0);
  }

  void play(ProgressRenderer renderer) {
    renderer.on(
        new ProgressEvent.StackStarted("prod-acme-db", "create", now, Duration.ofMinutes(8)));
    now = now.plusSeconds(30);
    renderer.on(
        new ProgressEvent.ResourceChanged(
            event("prod-acme-db", "Db", "AWS::RDS::DBInstance", "CREATE_IN_PROGRESS", "")));
    now = now.plusSeconds(95);
    renderer.on(
        new ProgressEvent.ResourceChanged(
            event(
                "prod-acme-db",
                "Db",
                "AWS::RDS::DBInstance",
                "CREATE_FAILED",
                "class not available")));
    renderer.on(
        new ProgressEvent.StackFinished(
            "prod-acme-db",
            new StackResult(
                "prod-acme-db",
                StackResult.Outcome.FAILED,
                "ROLLBACK_COMPLETE",
                "Db (AWS::RDS::DBInstance) CREATE_FAILED: class not available"),
            now));
  }

  String output() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void without_a_terminal_every_change_is_one_plain_line() {
    play(new ProgressRenderer(out, false, false, clock));

    assertThat(output())
        .doesNotContain("\u001b")
        .isEqualTo(
            """
        prod-acme-db  create (typically 8m00s)
        prod-acme-db  Db AWS::RDS::DBInstance  CREATE_IN_PROGRESS  30s
        prod-acme-db  Db AWS::RDS::DBInstance  CREATE_FAILED  2m05s  class not available
        prod-acme-db  ROLLBACK_COMPLETE  failed in 2m05s: Db (AWS::RDS::DBInstance) CREATE_FAILED: class not available
        """);
  }

  @Test
  void on_a_terminal_the_block_is_redrawn_in_place_with_time_left() {
    ProgressRenderer renderer = new ProgressRenderer(out, true, true, clock);
    renderer.on(
        new ProgressEvent.StackStarted("prod-acme-db", "create", now, Duration.ofMinutes(8)));
    renderer.on(
        new ProgressEvent.ResourceChanged(
            event("prod-acme-db", "Db", "AWS::RDS::DBInstance", "CREATE_IN_PROGRESS", "")));
    now = now.plusSeconds(60);
    renderer.draw();

    assertThat(output())
        .contains("\u001b[2A") // back up over the two lines drawn before
        .contains("1m00s  ETA 7m00s")
        .contains("\u001b[33mCREATE_IN_PROGRESS");
  }

  @Test
  void no_color_keeps_the_redraw_but_drops_the_colours() {
    ProgressRenderer renderer =
        ProgressRenderer.forTerminal(out, Map.of("TERM", "xterm", "NO_COLOR", "1"), true);
    play(renderer);
    renderer.close();

    assertThat(output())
        .contains("\u001b[2K")
        .doesNotContain("\u001b[31m", "\u001b[32m", "\u001b[33m");
  }

  @Test
  void a_dumb_terminal_gets_plain_lines() {
    ProgressRenderer renderer = ProgressRenderer.forTerminal(out, Map.of("TERM", "dumb"), true);
    play(renderer);
    renderer.close();

    assertThat(output()).doesNotContain("\u001b").contains("CREATE_FAILED: class not available");
  }

  @Test
  void steps_stay_above_the_live_block() {
    ProgressRenderer renderer = new ProgressRenderer(out, true, false, clock);
    renderer.on(
        new ProgressEvent.StackStarted("prod-acme-db", "create", now, Duration.ofMinutes(8)));
    renderer.on(new ProgressEvent.Step("pushing images", now));

    String text = output();
    assertThat(text.indexOf("» pushing images")).isGreaterThan(text.indexOf("\u001b[0J"));
    assertThat(text.lastIndexOf("prod-acme-db")).isGreaterThan(text.indexOf("» pushing images"));
  }
}
