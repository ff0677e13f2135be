package gifmachine.cli.deploy;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * How patiently the engine polls.
 *
 * @param pollInitial first polling interval (grows while nothing happens)
 * @param pollMax longest polling interval
 * @param stackTimeout how long one stack may stay in progress
 * @param random jitter source
 */
public record EngineSettings(
    Duration pollInitial, Duration pollMax, Duration stackTimeout, RandomGenerator random) {

  /**
   * 1 s growing to 10 s, one hour per stack (RDS and CloudFront-free stacks finish well within).
   */
  public static EngineSettings defaults() {
    return new EngineSettings(
        Duration.ofSeconds(1),
        Duration.ofSeconds(10),
        Duration.ofMinutes(60),
        new java.util.Random());
  }

  Backoff backoff() {
    return new Backoff(pollInitial, pollMax, random);
  }
}
