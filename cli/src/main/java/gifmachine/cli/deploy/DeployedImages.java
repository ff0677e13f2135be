package gifmachine.cli.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/**
 * Finds which image of a repository a deployed template runs: any string in the template that is
 * the repository URI followed by {@code @sha256:} or {@code :tag}. Used to keep the image a
 * CODE_DEPLOY service's template was created with (CloudFormation cannot change it) and to plan
 * without building.
 */
public final class DeployedImages {

  private static final ObjectMapper JSON = new ObjectMapper();

  private DeployedImages() {}

  public static Optional<String> find(String templateBody, String repositoryUri) {
    if (templateBody.isBlank() || repositoryUri.isBlank()) {
      return Optional.empty();
    }
    try {
      Deque<JsonNode> todo = new ArrayDeque<>();
      todo.push(JSON.readTree(templateBody));
      while (!todo.isEmpty()) {
        JsonNode node = todo.pop();
        if (node.isTextual()) {
          String text = node.asText();
          if (text.startsWith(repositoryUri + "@") || text.startsWith(repositoryUri + ":")) {
            return Optional.of(text);
          }
        }
        node.forEach(todo::push);
      }
    } catch (Exception e) {
      return Optional.empty();
    }
    return Optional.empty();
  }
}
