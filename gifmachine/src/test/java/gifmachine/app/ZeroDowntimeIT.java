package gifmachine.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Zero downtime on one machine: two Gifmachine processes on one PostgreSQL behind haproxy (health
 * check on {@code /readyz}, no retries, like the ALB), GETs and POSTs running through it, kiosks
 * (JDK WebSocket clients and a headless Chromium) on both; instance A gets SIGTERM.
 */
class ZeroDowntimeIT {

  @Test
  void
      sigterm_under_load_fails_no_request_loses_no_gif_and_moves_every_kiosk_to_the_other_instance()
          throws Exception {
    // Longer than haproxy takes to notice (2 checks 250 ms apart, each answered in well under
    // a second even on a busy machine).
    Duration drain = Duration.ofSeconds(3);
    ZeroDowntimeScenario.Result result =
        new ZeroDowntimeScenario(
                env -> AppProcess.start(env, "-Xmx256m", "-XX:TieredStopAtLevel=1"),
                drain,
                true,
                Path.of("target", "zero-downtime"))
            .run();

    assertThat(result.failureSamples()).isEmpty();
    assertThat(result.getsFailed()).isZero();
    assertThat(result.postsFailed()).isZero();
    assertThat(result.getsOk()).isGreaterThan(0);
    assertThat(result.postsOk()).isGreaterThan(0);
    assertThat(result.acknowledgedMissing()).isZero();
    // Chromium and some JDK kiosks were on A; every JDK kiosk there got a close frame.
    assertThat(result.kiosksOnA()).isGreaterThan(ZeroDowntimeScenario.KIOSKS_BEFORE_B);
    assertThat(result.kiosksClosedWithFrame()).isEqualTo(result.kiosksOnA() - 1);
    assertThat(result.closeCodes()).containsOnly(1012);
    assertThat(result.kiosksCutWithoutFrame()).isZero();
    assertThat(result.kiosksOnBUntouched())
        .isEqualTo(result.kiosksTotal() - result.kiosksClosedWithFrame());
    assertThat(result.kiosksOnBAtEnd()).isEqualTo(result.kiosksTotal() + 1);
    assertThat(result.kiosksWithNextGif()).isEqualTo(result.kiosksTotal());
    assertThat(result.chromiumShowedNextGif()).isTrue();
    // The JVM's exit on SIGTERM after its shutdown hook: 128 + 15.
    assertThat(result.exitCode()).isEqualTo(143);
    assertThat(result.sigtermToExit()).isGreaterThanOrEqualTo(drain);
  }
}
