package gifmachine.infra.iam;

import java.util.List;
import java.util.Map;

/**
 * One IAM policy statement and why it is there: {@code actions} on {@code resources}, under {@code
 * conditions} ({@code operator -> key -> values}), for {@code commands}.
 */
public record PolicyStatement(
    String sid,
    List<String> actions,
    List<String> resources,
    Map<String, Map<String, List<String>>> conditions,
    String why) {

  public PolicyStatement {
    actions = List.copyOf(actions);
    resources = List.copyOf(resources);
    conditions = Map.copyOf(conditions);
  }

  static PolicyStatement of(String sid, List<String> actions, List<String> resources, String why) {
    return new PolicyStatement(sid, actions, resources, Map.of(), why);
  }

  PolicyStatement when(String operator, String key, List<String> values) {
    return new PolicyStatement(sid, actions, resources, Map.of(operator, Map.of(key, values)), why);
  }
}
