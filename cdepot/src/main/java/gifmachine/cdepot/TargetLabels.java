package gifmachine.cdepot;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * The labels cDepot attaches to a task's targets, named as the original Go cDepot named them so
 * existing Prometheus queries and dashboards keep working.
 */
@JsonPropertyOrder({"cluster", "function", "taskID", "gitBranch"})
public record TargetLabels(String cluster, String function, String taskID, String gitBranch) {}
