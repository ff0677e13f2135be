package gifmachine.infra;

import java.util.Objects;

/**
 * How ECS's built-in blue/green rolls a new service revision out, and which of the two target
 * groups production traffic reaches right now. The CLI reads the live target group from the
 * production listener rule before every synthesis, so a template never points production at the
 * group an earlier deployment emptied (ECS moves the rule's weights, CloudFormation does not know).
 *
 * <pre>{@code
 * Rollout rollout = new Rollout(Rollout.Strategy.CANARY, Rollout.TargetGroup.GREEN);
 * }</pre>
 *
 * @param strategy how production traffic moves to the new revision
 * @param live the target group production traffic reaches now ({@link TargetGroup#BLUE} for a new
 *     deployment)
 */
public record Rollout(Strategy strategy, TargetGroup live) {

  /** All traffic at once, 10 % first, or 20 % steps: ECS's BLUE_GREEN, CANARY and LINEAR. */
  public enum Strategy {
    BLUE_GREEN,
    CANARY,
    LINEAR
  }

  /** One of the service's two target groups. */
  public enum TargetGroup {
    BLUE,
    GREEN;

    public TargetGroup other() {
      return this == BLUE ? GREEN : BLUE;
    }
  }

  public Rollout {
    Objects.requireNonNull(strategy, "strategy");
    Objects.requireNonNull(live, "live");
  }

  /** A new deployment: blue/green, production on blue. */
  public static Rollout defaults() {
    return new Rollout(Strategy.BLUE_GREEN, TargetGroup.BLUE);
  }

  public Rollout withLive(TargetGroup value) {
    return new Rollout(strategy, value);
  }
}
