package gifmachine.app.health;

import gifmachine.app.GifmachineStartupException;
import java.time.Duration;
import java.util.Map;

/**
 * Leaving the load balancer without failing anyone: on SIGTERM readiness fails at once, the
 * instance keeps serving for a drain period (longer than the load balancer needs to notice), then
 * kiosks get a close frame and the server stops after its in-flight requests.
 *
 * <pre>{@code
 * GIFMACHINE_DRAIN_SECONDS=30 java -jar gifmachine-all.jar   # kill -TERM: /readyz 503 at once
 * }</pre>
 *
 * <p>The default drain (50 s) outlasts the ALB's time to notice a failing target (health check
 * every 15 s, 3 failures: 45 s); the task definition's stopTimeout (65 s) leaves room for the close
 * frames and in-flight requests after it, and the target groups' deregistration delay is the same
 * 50 s.
 */
public final class Drain {
  /** How long the instance keeps serving after SIGTERM unless GIFMACHINE_DRAIN_SECONDS says. */
  public static final Duration DEFAULT_PERIOD = Duration.ofSeconds(50);

  /**
   * Fargate stops a container at most 120 s after SIGTERM (the task definition's stopTimeout
   * limit): a longer drain would be cut off by SIGKILL.
   * https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html
   */
  public static final Duration MAX_PERIOD = Duration.ofSeconds(100);

  /**
   * WebSocket close code 1012, "Service Restart": the client should reconnect (RFC 6455 registry).
   */
  public static final int SERVICE_RESTART = 1012;

  private volatile boolean draining;

  /** Readiness fails from now on; everything else keeps working. */
  public void begin() {
    draining = true;
  }

  public boolean draining() {
    return draining;
  }

  /**
   * Reads {@code GIFMACHINE_DRAIN_SECONDS} (0 to {@link #MAX_PERIOD}); unset, it is {@link
   * #DEFAULT_PERIOD}, or no drain at all in local mode (no load balancer, and Ctrl-C should not
   * take a minute).
   *
   * @throws GifmachineStartupException when the value is not a whole number in range
   */
  public static Duration periodFromEnvironment(Map<String, String> env, boolean localMode) {
    String value = env.getOrDefault("GIFMACHINE_DRAIN_SECONDS", "").strip();
    if (value.isEmpty()) {
      return localMode ? Duration.ZERO : DEFAULT_PERIOD;
    }
    try {
      long seconds = Long.parseLong(value);
      if (seconds >= 0 && seconds <= MAX_PERIOD.toSeconds()) {
        return Duration.ofSeconds(seconds);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new GifmachineStartupException(
        "GIFMACHINE_DRAIN_SECONDS is not a drain period: got \"" + value + "\"",
        "set it to whole seconds from 0 to "
            + MAX_PERIOD.toSeconds()
            + " (default "
            + DEFAULT_PERIOD.toSeconds()
            + "), longer than the load balancer takes to notice"
            + " a failing /readyz");
  }
}
