package gifmachine.csidecar;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A read-only view of parsed JSON (jackson-jr's maps, lists, strings and numbers) with lenient,
 * {@code JsonNode}-like accessors: a missing field or a wrong type gives the default, never an
 * exception, which is what reading the loosely specified ECS metadata needs.
 *
 * <pre>{@code
 * JsonValue.parse(bytes).path("Limits").path("CPU").asDouble(0)
 * }</pre>
 *
 * <p>Why not jackson-databind's {@code JsonNode}: databind loads ~470 classes into the sidecar, ~3
 * MB of its resident memory (docs/benchmarks.md, "cDepot and cSidecar"); jackson-jr reads the same
 * JSON with a fraction of them.
 */
record JsonValue(Object value) {

  static final JsonValue MISSING = new JsonValue(null);

  static JsonValue parse(byte[] json) throws IOException {
    return new JsonValue(JSON.std.anyFrom(json));
  }

  JsonValue path(String field) {
    return value instanceof Map<?, ?> map ? new JsonValue(map.get(field)) : MISSING;
  }

  JsonValue path(int index) {
    return value instanceof List<?> list && index >= 0 && index < list.size()
        ? new JsonValue(list.get(index))
        : MISSING;
  }

  boolean has(String field) {
    return value instanceof Map<?, ?> map && map.containsKey(field);
  }

  boolean isObject() {
    return value instanceof Map;
  }

  /** Entries of an object, elements of an array, else 0. */
  int size() {
    return value instanceof Map<?, ?> map
        ? map.size()
        : value instanceof List<?> list ? list.size() : 0;
  }

  boolean isEmpty() {
    return size() == 0;
  }

  String asText() {
    return asText("");
  }

  String asText(String otherwise) {
    return value instanceof String || value instanceof Number || value instanceof Boolean
        ? value.toString()
        : otherwise;
  }

  long asLong(long otherwise) {
    return number(Number::longValue, Long::parseLong, otherwise);
  }

  double asDouble(double otherwise) {
    return number(Number::doubleValue, Double::parseDouble, otherwise);
  }

  /** A number, or a string holding one (as {@code JsonNode.asLong} reads it). */
  private <T> T number(Function<Number, T> fromNumber, Function<String, T> parse, T otherwise) {
    if (value instanceof Number number) {
      return fromNumber.apply(number);
    }
    try {
      return value instanceof String text ? parse.apply(text.strip()) : otherwise;
    } catch (NumberFormatException e) {
      return otherwise;
    }
  }

  int asInt(int otherwise) {
    return (int) asLong(otherwise);
  }

  /** The values of an object or the elements of an array, in order. */
  List<JsonValue> values() {
    List<JsonValue> values = new ArrayList<>();
    if (value instanceof Map<?, ?> map) {
      map.values().forEach(v -> values.add(new JsonValue(v)));
    } else if (value instanceof List<?> list) {
      list.forEach(v -> values.add(new JsonValue(v)));
    }
    return values;
  }

  /** The fields of an object, in order. */
  List<Map.Entry<String, JsonValue>> fields() {
    List<Map.Entry<String, JsonValue>> fields = new ArrayList<>();
    if (value instanceof Map<?, ?> map) {
      map.forEach(
          (k, v) ->
              fields.add(
                  new AbstractMap.SimpleImmutableEntry<>(String.valueOf(k), new JsonValue(v))));
    }
    return fields;
  }
}
