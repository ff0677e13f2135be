package gifmachine.infra;

import java.util.List;
import java.util.Map;

/**
 * One synthesized CloudFormation stack, ready for a change set.
 *
 * @param stackName the physical stack name, {@code {environment}-{company}-{part}}
 * @param part which part of the deployment this is
 * @param templateBody the CloudFormation template as JSON
 * @param dependsOn names of the stacks that must be deployed before this one
 * @param tags tags to put on the stack (CloudFormation propagates them to its resources)
 */
public record SynthesizedStack(
    String stackName,
    StackPart part,
    String templateBody,
    List<String> dependsOn,
    Map<String, String> tags) {

  public SynthesizedStack {
    dependsOn = List.copyOf(dependsOn);
    tags = Map.copyOf(tags);
  }
}
