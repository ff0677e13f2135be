package gifmachine.infra;

import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Maps in the order of their keys, for whatever the stacks hand CDK as a map. {@code Map.of}
 * iterates in an order chosen afresh by every JVM, and CDK renders some maps as lists in iteration
 * order (a container's environment and secrets, an alarm's metrics) and others into strings (a
 * buildspec). A template would then differ from run to run with nothing changed: {@code up} could
 * no longer tell that a stack is unchanged, and every run would register a new task definition, so
 * start a blue/green deployment. {@code TemplatesAcrossJvmsIT} synthesizes in a second JVM and
 * compares.
 *
 * <pre>{@code .environment(Ordered.byKey(Map.of("A", "1", "B", "2")))}</pre>
 */
public final class Ordered {
  private Ordered() {}

  /** {@code map} ordered by key. */
  public static <V> SortedMap<String, V> byKey(Map<String, V> map) {
    return new TreeMap<>(map);
  }

  /** {@code map} and every map within it (also inside lists) ordered by key. */
  public static SortedMap<String, Object> deeply(Map<String, ?> map) {
    SortedMap<String, Object> ordered = new TreeMap<>();
    map.forEach((key, value) -> ordered.put(key, deeplyValue(value)));
    return ordered;
  }

  @SuppressWarnings("unchecked")
  private static Object deeplyValue(Object value) {
    if (value instanceof Map<?, ?> map) {
      return deeply((Map<String, ?>) map);
    }
    if (value instanceof List<?> list) {
      return list.stream().map(Ordered::deeplyValue).toList();
    }
    return value;
  }
}
