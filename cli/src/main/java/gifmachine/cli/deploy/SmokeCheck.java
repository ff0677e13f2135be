package gifmachine.cli.deploy;

import java.net.URI;
import java.time.Duration;

/**
 * The smoke test through the load balancer (the {@code image} engineer's {@code SmokeTest} in
 * production).
 */
@FunctionalInterface
public interface SmokeCheck {

  /**
   * @param detail what was checked, or what failed and why
   */
  record Outcome(boolean passed, String detail) {}

  Outcome run(URI baseUrl, String secret, Duration timeout) throws Exception;
}
