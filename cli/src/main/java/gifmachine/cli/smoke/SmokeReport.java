package gifmachine.cli.smoke;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a {@link SmokeTest} found: each check in the order it ran, with its duration and, when it
 * failed, why. Never contains the API password.
 */
public record SmokeReport(URI baseUrl, List<Check> checks) {

  /** One check: {@code passed}, or failed/not run with a reason. */
  public record Check(String name, Status status, Duration duration, String detail) {}

  public enum Status {
    PASSED,
    FAILED,
    NOT_RUN
  }

  public SmokeReport {
    checks = List.copyOf(checks);
  }

  public boolean passed() {
    return !checks.isEmpty() && checks.stream().allMatch(check -> check.status() == Status.PASSED);
  }

  /** The first failed check: what a one-line error should name. */
  public Optional<Check> firstFailure() {
    return checks.stream().filter(check -> check.status() == Status.FAILED).findFirst();
  }

  /** One line per check, e.g. {@code ok healthz 12 ms GET /healthz answered 200}. */
  public String render() {
    return checks.stream()
        .map(
            check ->
                String.format(
                    "%-7s %-18s %6d ms  %s",
                    switch (check.status()) {
                      case PASSED -> "ok";
                      case FAILED -> "FAILED";
                      case NOT_RUN -> "skip";
                    },
                    check.name(),
                    check.duration().toMillis(),
                    check.detail()))
        .collect(Collectors.joining("\n", "smoke test of " + baseUrl + "\n", "\n"));
  }
}
