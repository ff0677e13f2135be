package gifmachine.cli.aws;

import java.time.Instant;

/**
 * One entry of a stack's event log: a resource (or the stack itself, whose logical id is the stack
 * name) entering a status.
 */
public record StackEvent(
    String eventId,
    String stackName,
    String logicalId,
    String resourceType,
    String status,
    String reason,
    Instant timestamp) {

  /** Whether this event is about the stack itself rather than one of its resources. */
  public boolean isStackEvent() {
    return "AWS::CloudFormation::Stack".equals(resourceType) && logicalId.equals(stackName);
  }
}
