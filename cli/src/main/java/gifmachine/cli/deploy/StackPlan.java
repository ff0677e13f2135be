package gifmachine.cli.deploy;

import gifmachine.cli.aws.ResourceChange;
import java.util.List;

/**
 * What {@code up} would do to one stack.
 *
 * @param stackName the stack
 * @param newStack whether the stack would be created
 * @param changes the change set's lines (empty: no changes)
 * @param error why no change set could be made, empty when one was
 */
public record StackPlan(
    String stackName, boolean newStack, List<ResourceChange> changes, String error) {

  public StackPlan {
    changes = List.copyOf(changes);
  }
}
