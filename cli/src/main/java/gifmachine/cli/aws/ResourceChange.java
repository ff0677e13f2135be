package gifmachine.cli.aws;

/**
 * One line of a change set: what would happen to one resource.
 *
 * @param action {@code Add}, {@code Modify}, {@code Remove} (CloudFormation's words)
 * @param logicalId the resource's logical id in the template
 * @param resourceType e.g. {@code AWS::ECS::Service}
 * @param replacement {@code True}, {@code False} or {@code Conditional} for modifications, empty
 *     otherwise
 */
public record ResourceChange(
    String action, String logicalId, String resourceType, String replacement) {

  /** Whether CloudFormation would replace (delete and recreate) the resource. */
  public boolean replaces() {
    return "Modify".equals(action) && "True".equals(replacement);
  }
}
