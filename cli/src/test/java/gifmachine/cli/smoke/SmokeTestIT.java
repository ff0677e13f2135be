package gifmachine.cli.smoke;

import static org.assertj.core.api.Assertions.assertThat;

import gifmachine.app.Gifmachine;
import gifmachine.app.GifmachineConfig;
import gifmachine.cli.smoke.SmokeReport.Status;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The smoke test against a real Gifmachine on embedded PostgreSQL. */
class SmokeTestIT {

  @TempDir static Path dataDir;
  static Gifmachine app;

  @BeforeAll
  static void startGifmachine() {
    app = Gifmachine.start(GifmachineConfig.local(dataDir, 0));
  }

  @AfterAll
  static void stopGifmachine() {
    app.close();
  }

  @Test
  void a_working_gifmachine_passes_every_check() {
    SmokeReport report = SmokeTest.run(app.baseUri(), app.password(), Duration.ofSeconds(30));

    assertThat(report.checks())
        .extracting(SmokeReport.Check::name)
        .containsExactly("healthz", "websocket open", "post gif", "read back", "websocket receive");
    assertThat(report.checks())
        .as(report.render())
        .allMatch(check -> check.status() == Status.PASSED);
    assertThat(report.passed()).isTrue();
    assertThat(report.render()).doesNotContain(app.password());
  }

  @Test
  void posting_with_a_wrong_secret_fails_the_post_check_and_nothing_reaches_the_kiosks() {
    SmokeReport report = SmokeTest.run(app.baseUri(), "not-the-password", Duration.ofSeconds(10));

    assertThat(report.passed()).isFalse();
    assertThat(report.firstFailure())
        .hasValueSatisfying(
            check -> {
              assertThat(check.name()).isEqualTo("post gif");
              assertThat(check.detail())
                  .startsWith("POST /gif answered 403: the API password was refused");
            });
    assertThat(report.render()).doesNotContain("not-the-password").doesNotContain(app.password());
  }
}
