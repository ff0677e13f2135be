package gifmachine.cli.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * The two files CodePipeline's CodeDeploy blue/green action takes from the build:
 * {@code taskdef.json}, the service's current task definition with the freshly pushed image
 * digests in place of the old ones, and {@code appspec.yaml}, which tells CodeDeploy which
 * container and port the load balancer sends traffic to.
 *
 * <pre>{@code
 * String taskdef = DeploymentFiles.taskDefinition(currentJson, Map.of("gifmachine", ref));
 * String appspec = DeploymentFiles.appSpec("gifmachine", 4567);
 * }</pre>
 */
public final class DeploymentFiles {

  /** Fields DescribeTaskDefinition returns that RegisterTaskDefinition refuses. */
  static final List<String> READ_ONLY_FIELDS = List.of(
      "taskDefinitionArn", "revision", "status", "requiresAttributes", "compatibilities",
      "registeredAt", "registeredBy", "deregisteredAt");

  private static final ObjectMapper JSON = new ObjectMapper();

  private DeploymentFiles() {}

  /**
   * {@code current} is a task definition as {@code aws ecs describe-task-definition} prints it
   * (the object itself, or wrapped in {@code {"taskDefinition": …}}); {@code images} maps
   * container names to image references. Containers the task lacks are skipped (cSidecar is
   * absent without monitoring), but at least one must be there.
   */
  public static String taskDefinition(String current, Map<String, String> images)
      throws ImagePublishException {
    JsonNode root;
    try {
      root = JSON.readTree(current);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new ImagePublishException("reading the task definition failed: it is not JSON ("
          + e.getOriginalMessage() + ")");
    }
    if (root != null && root.has("taskDefinition")) {
      root = root.get("taskDefinition");
    }
    if (root == null || !(root instanceof ObjectNode task) || !(task.get("containerDefinitions") instanceof ArrayNode containers)) {
      throw new ImagePublishException(
          "reading the task definition failed: it has no containerDefinitions list");
    }
    task.remove(READ_ONLY_FIELDS);
    int replaced = 0;
    for (JsonNode container : containers) {
      String image = images.get(container.path("name").asText());
      if (image != null && container instanceof ObjectNode definition) {
        definition.put("image", image);
        replaced++;
      }
    }
    if (replaced == 0) {
      throw new ImagePublishException("writing the task definition failed: it has none of the containers "
          + String.join(", ", new java.util.TreeSet<>(images.keySet())));
    }
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(task) + "\n";
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The ECS appspec; CodeDeploy fills in {@code <TASK_DEFINITION>} with the registered one. */
  public static String appSpec(String containerName, int containerPort) {
    return """
        version: 0.0
        Resources:
          - TargetService:
              Type: AWS::ECS::Service
              Properties:
                TaskDefinition: "<TASK_DEFINITION>"
                LoadBalancerInfo:
                  ContainerName: "%s"
                  ContainerPort: %d
        """.formatted(containerName, containerPort);
  }
}
