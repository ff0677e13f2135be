package gifmachine.cli.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Orders an update around CloudFormation's rule on exports: "You can't modify or remove an output
 * value that is referenced by another stack"
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/walkthrough-crossstackref.html).
 * A stack whose new template drops an export another deployed stack imports (the network stack
 * dropping the monitoring security group the database stack lets in, when monitoring is switched
 * off) waits until the others are updated, which stop importing it; it goes second.
 *
 * <pre>{@code
 * ExportOrder.Phases phases = ExportOrder.split(nodes, deployedTemplates);
 * deploy(phases.first()); deploy(phases.second());
 * }</pre>
 */
public final class ExportOrder {

  private static final ObjectMapper JSON = new ObjectMapper();

  private ExportOrder() {}

  /** Stacks to deploy now, and the producers to deploy once their importers have let go. */
  public record Phases(List<StackNode> first, List<StackNode> second) {}

  /**
   * @param deployed stack name to its deployed template, for the stacks that exist
   */
  public static Phases split(List<StackNode> nodes, Map<String, String> deployed) {
    Map<String, Set<String>> importsNow = new HashMap<>();
    deployed.forEach((stack, template) -> importsNow.put(stack, imports(parse(template))));
    Set<String> deferred = new HashSet<>();
    for (StackNode node : nodes) {
      Optional<String> before = Optional.ofNullable(deployed.get(node.stackName()));
      if (before.isEmpty()) {
        continue;
      }
      Set<String> dropped = new HashSet<>(exports(parse(before.get())));
      dropped.removeAll(exports(parse(node.templateBody())));
      boolean inUse =
          importsNow.entrySet().stream()
              .filter(e -> !e.getKey().equals(node.stackName()))
              .anyMatch(e -> e.getValue().stream().anyMatch(dropped::contains));
      if (inUse) {
        deferred.add(node.stackName());
      }
    }
    List<StackNode> first = new ArrayList<>();
    List<StackNode> second = new ArrayList<>();
    for (StackNode node : nodes) {
      if (deferred.contains(node.stackName())) {
        second.add(node);
      } else {
        // Its deferred dependencies are already deployed: it waits only for the others now.
        first.add(
            new StackNode(
                node.stackName(),
                node.dependsOn().stream().filter(d -> !deferred.contains(d)).toList(),
                node.templateBody(),
                node.tags(),
                node.roleArn()));
      }
    }
    return new Phases(first, second);
  }

  private static JsonNode parse(String template) {
    try {
      return JSON.readTree(template);
    } catch (Exception e) {
      return JSON.createObjectNode();
    }
  }

  /** Export names given literally (CDK writes them so). */
  static Set<String> exports(JsonNode template) {
    Set<String> names = new HashSet<>();
    template
        .path("Outputs")
        .forEach(
            output -> {
              JsonNode name = output.path("Export").path("Name");
              if (name.isTextual()) {
                names.add(name.asText());
              }
            });
    return names;
  }

  static Set<String> imports(JsonNode node) {
    Set<String> names = new HashSet<>();
    collect(node, names);
    return names;
  }

  private static void collect(JsonNode node, Set<String> names) {
    if (node.isObject() && node.size() == 1 && node.path("Fn::ImportValue").isTextual()) {
      names.add(node.get("Fn::ImportValue").asText());
      return;
    }
    node.forEach(child -> collect(child, names));
  }
}
