package gifmachine.cdepot;

import java.util.List;

/**
 * One "I am alive" message from a cSidecar, in the original Go cDepot's JSON plus an optional list
 * of extra targets (the app's {@code /metrics} next to the sidecar's own).
 *
 * <pre>{@code
 * {"cluster":"prod","function":"gifmachine","taskID":"c1d2","localIP":"10.0.1.5:8080",
 *  "publicIP":"","gitBranch":"main","targets":["10.0.1.5:4567"]}
 * }</pre>
 *
 * @param localIP the sidecar's {@code host:port}; the key of the registration
 * @param targets every address to scrape for this task: {@code localIP} first, then the extras
 */
public record Heartbeat(
    String cluster,
    String function,
    String taskID,
    String localIP,
    String publicIP,
    String gitBranch,
    List<String> targets) {

  public Heartbeat {
    targets = List.copyOf(targets);
  }

  /** The labels Prometheus puts on every series scraped from this task, in the original's shape. */
  public TargetGroup toTargetGroup() {
    return new TargetGroup(new TargetLabels(cluster, function, taskID, gitBranch), targets);
  }
}
