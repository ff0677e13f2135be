package gifmachine.csidecar;

/**
 * Who this task is, sent to cDepot in each heartbeat and turned into target labels there (not
 * labels on every series).
 *
 * @param cluster the ECS cluster name (last part of its ARN), or {@code local}
 * @param taskId the task id (last part of the task ARN), or {@code local-<pid>}
 * @param function what the task runs ({@code gifmachine})
 * @param host the address Prometheus reaches this task at
 */
public record TaskIdentity(String cluster, String taskId, String function, String host) {}
