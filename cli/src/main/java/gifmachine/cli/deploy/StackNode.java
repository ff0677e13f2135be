package gifmachine.cli.deploy;

import gifmachine.infra.SynthesizedStack;
import java.util.List;
import java.util.Map;

/**
 * A stack as the engine schedules it: its name, the stacks it needs first, and (for deployment) the
 * template, tags and the role CloudFormation deploys it with (empty: the caller's rights).
 */
public record StackNode(
    String stackName,
    List<String> dependsOn,
    String templateBody,
    Map<String, String> tags,
    String roleArn) {

  public StackNode {
    dependsOn = List.copyOf(dependsOn);
    tags = Map.copyOf(tags);
  }

  public StackNode(
      String stackName, List<String> dependsOn, String templateBody, Map<String, String> tags) {
    this(stackName, dependsOn, templateBody, tags, "");
  }

  /** This stack, deployed by CloudFormation with the execution role {@code arn}. */
  public StackNode withRole(String arn) {
    return new StackNode(stackName, dependsOn, templateBody, tags, arn);
  }

  public static StackNode of(SynthesizedStack stack) {
    return new StackNode(stack.stackName(), stack.dependsOn(), stack.templateBody(), stack.tags());
  }

  /** A stack known only by name and dependencies: enough to delete it. */
  public static StackNode named(String stackName, List<String> dependsOn) {
    return new StackNode(stackName, dependsOn, "", Map.of());
  }
}
