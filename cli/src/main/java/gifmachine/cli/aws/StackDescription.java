package gifmachine.cli.aws;

import java.util.Map;

/**
 * What CloudFormation says about one stack right now.
 *
 * @param name stack name
 * @param id stack id (an ARN)
 * @param status e.g. {@code CREATE_IN_PROGRESS}, see {@link StackStatus}
 * @param statusReason why it is in that status, empty when CloudFormation gives none
 * @param outputs stack outputs by key
 * @param tags stack tags
 */
public record StackDescription(
    String name,
    String id,
    String status,
    String statusReason,
    Map<String, String> outputs,
    Map<String, String> tags) {

  public StackDescription {
    outputs = Map.copyOf(outputs);
    tags = Map.copyOf(tags);
  }
}
