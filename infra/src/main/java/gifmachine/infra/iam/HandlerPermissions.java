package gifmachine.infra.iam;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The IAM actions CloudFormation's resource handlers need, per resource type our templates use, as
 * published in AWS's resource type schemas ({@code handlers.*.permissions}, see
 * https://docs.aws.amazon.com/cloudformation-cli/latest/userguide/resource-type-schema.html). The
 * data lives in {@code handler-permissions.json} beside this class, with the source and date of
 * every entry; {@code scripts/extract-handler-permissions.py} writes it.
 *
 * <pre>{@code
 * HandlerPermissions permissions = HandlerPermissions.load();
 * Set<String> actions = permissions.actions("AWS::ECS::Service").orElseThrow();
 * }</pre>
 */
public final class HandlerPermissions {
  private static final String RESOURCE = "handler-permissions.json";

  private final SortedMap<String, SortedSet<String>> actionsByType;
  private final Map<String, String> sources;

  private HandlerPermissions(
      SortedMap<String, SortedSet<String>> actionsByType, Map<String, String> sources) {
    this.actionsByType = actionsByType;
    this.sources = sources;
  }

  /** Reads the bundled data. */
  public static HandlerPermissions load() {
    try (InputStream in = HandlerPermissions.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the infra jar");
      }
      JsonNode root = new ObjectMapper().readTree(in);
      SortedMap<String, SortedSet<String>> actions = new TreeMap<>();
      Map<String, String> sources = new TreeMap<>();
      root.path("types")
          .properties()
          .forEach(
              type -> {
                SortedSet<String> union = new TreeSet<>();
                type.getValue()
                    .path("handlers")
                    .forEach(handler -> handler.forEach(action -> union.add(action.asText())));
                actions.put(type.getKey(), union);
                sources.put(type.getKey(), type.getValue().path("source").asText());
              });
      return new HandlerPermissions(actions, sources);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + RESOURCE, e);
    }
  }

  /**
   * Every action the handlers of {@code resourceType} may call: create, read, update, delete, list.
   */
  public Optional<SortedSet<String>> actions(String resourceType) {
    return Optional.ofNullable(actionsByType.get(resourceType));
  }

  /** The resource types with an entry, sorted. */
  public Set<String> resourceTypes() {
    return actionsByType.keySet();
  }

  /** Where the entry for {@code resourceType} was read from. */
  public Optional<String> source(String resourceType) {
    return Optional.ofNullable(sources.get(resourceType));
  }
}
