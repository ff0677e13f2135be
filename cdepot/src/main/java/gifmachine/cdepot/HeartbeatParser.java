package gifmachine.cdepot;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Turns a {@code POST /alive} body into a {@link Heartbeat}, or says precisely which field is
 * wrong. The Go original panicked on bad JSON; this one answers 400 and keeps serving.
 *
 * <p>It reads the body with Jackson's streaming parser, not a tree or data binding: this is
 * cDepot's hot path (thousands of heartbeats a second), and the streaming parse allocates only the
 * strings it keeps. Fields are collected first and validated afterwards in a fixed order, so a body
 * with several errors always names the same one.
 */
final class HeartbeatParser {

  static final int MAX_LABEL_LENGTH = 128;
  static final int MAX_EXTRA_TARGETS = 16;
  private static final String[] LABEL_FIELDS = {
    "cluster", "function", "taskID", "publicIP", "gitBranch"
  };

  /** A field that is present but neither a string nor null. */
  private static final Object NOT_TEXT = new Object();

  /** The value of {@code targets} when it is present but not an array. */
  private static final List<Object> NOT_AN_ARRAY = List.of();

  private final JsonFactory json;

  HeartbeatParser(JsonFactory json) {
    this.json = json;
  }

  /** Raised for a body that is not a valid heartbeat; the message names the field. */
  static final class InvalidHeartbeat extends Exception {
    InvalidHeartbeat(String message) {
      super(message, null, false, false);
    }
  }

  Heartbeat parse(byte[] body) throws InvalidHeartbeat {
    Object[] labelValues = new Object[LABEL_FIELDS.length];
    Object localIpValue = null;
    List<Object> extra = null;
    try (JsonParser in = json.createParser(body)) {
      if (in.nextToken() != JsonToken.START_OBJECT) {
        throw new InvalidHeartbeat("body: must be a JSON object");
      }
      for (JsonToken token = in.nextToken();
          token == JsonToken.FIELD_NAME;
          token = in.nextToken()) {
        String field = in.currentName();
        JsonToken value = in.nextToken();
        int label = labelIndex(field);
        if (label >= 0) {
          labelValues[label] = scalar(in, value);
        } else if ("localIP".equals(field)) {
          localIpValue = scalar(in, value);
        } else if ("targets".equals(field)) {
          extra = targets(in, value);
        } else {
          in.skipChildren();
        }
        if (in.currentToken() == null) {
          throw new IOException("truncated");
        }
      }
      if (in.currentToken() != JsonToken.END_OBJECT) {
        throw new IOException("not an object");
      }
      // One object and nothing after it but whitespace, as the docs promise: a second value
      // or garbage would otherwise be ignored silently.
      if (in.nextToken() != null) {
        throw new IOException("trailing content");
      }
    } catch (IOException e) {
      throw new InvalidHeartbeat("body: must be a JSON object");
    }
    String[] labels = new String[LABEL_FIELDS.length];
    for (int i = 0; i < LABEL_FIELDS.length; i++) {
      labels[i] = label(LABEL_FIELDS[i], labelValues[i]);
    }
    if (localIpValue == null) {
      throw new InvalidHeartbeat("localIP: required (host:port)");
    }
    if (localIpValue == NOT_TEXT) {
      throw new InvalidHeartbeat("localIP: must be a string host:port");
    }
    String localIp = address("localIP", (String) localIpValue);
    Set<String> targets = new LinkedHashSet<>();
    targets.add(localIp);
    if (extra != null) {
      if (extra == NOT_AN_ARRAY) {
        throw new InvalidHeartbeat("targets: must be an array of host:port strings");
      }
      if (extra.size() > MAX_EXTRA_TARGETS) {
        throw new InvalidHeartbeat("targets: at most " + MAX_EXTRA_TARGETS + " entries");
      }
      for (Object target : extra) {
        if (target == null || target == NOT_TEXT) {
          throw new InvalidHeartbeat("targets: must be an array of host:port strings");
        }
        targets.add(address("targets", (String) target));
      }
    }
    return new Heartbeat(
        labels[0], labels[1], labels[2], localIp, labels[3], labels[4], new ArrayList<>(targets));
  }

  private static int labelIndex(String field) {
    for (int i = 0; i < LABEL_FIELDS.length; i++) {
      if (LABEL_FIELDS[i].equals(field)) {
        return i;
      }
    }
    return -1;
  }

  /** The string, null for JSON null, or {@link #NOT_TEXT} (after skipping any object or array). */
  private static Object scalar(JsonParser in, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_STRING) {
      return in.getText();
    }
    if (value == JsonToken.VALUE_NULL) {
      return null;
    }
    in.skipChildren();
    return NOT_TEXT;
  }

  /** Null for JSON null, {@link #NOT_AN_ARRAY}, or the elements (at most one more than allowed). */
  private static List<Object> targets(JsonParser in, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_NULL) {
      return null;
    }
    if (value != JsonToken.START_ARRAY) {
      in.skipChildren();
      return NOT_AN_ARRAY;
    }
    List<Object> elements = new ArrayList<>(2);
    for (JsonToken element = in.nextToken();
        element != JsonToken.END_ARRAY;
        element = in.nextToken()) {
      if (element == null) {
        throw new IOException("unterminated array");
      }
      Object text = element == JsonToken.VALUE_STRING ? in.getText() : NOT_TEXT;
      in.skipChildren();
      if (elements.size() <= MAX_EXTRA_TARGETS) {
        elements.add(text);
      }
    }
    return elements;
  }

  private static String label(String field, Object value) throws InvalidHeartbeat {
    if (value == null) {
      return "";
    }
    if (value == NOT_TEXT) {
      throw new InvalidHeartbeat(field + ": must be a string");
    }
    String text = (String) value;
    if (text.length() > MAX_LABEL_LENGTH) {
      throw new InvalidHeartbeat(field + ": at most " + MAX_LABEL_LENGTH + " characters");
    }
    if (hasControlCharacter(text)) {
      throw new InvalidHeartbeat(field + ": must not contain control characters");
    }
    return text;
  }

  static String address(String field, String value) throws InvalidHeartbeat {
    int colon = value.lastIndexOf(':');
    if (colon <= 0 || colon == value.length() - 1 || value.length() > 300) {
      throw new InvalidHeartbeat(field + ": must be host:port");
    }
    String host = value.substring(0, colon);
    if (!isHost(host)) {
      throw new InvalidHeartbeat(field + ": host must be a name or an IP address");
    }
    int port;
    try {
      port = Integer.parseInt(value.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new InvalidHeartbeat(field + ": port must be a number 1-65535");
    }
    if (port < 1 || port > 65535) {
      throw new InvalidHeartbeat(field + ": port must be a number 1-65535");
    }
    return value;
  }

  /**
   * A DNS name or IPv4 address ({@code [A-Za-z0-9][A-Za-z0-9._-]{0,252}}) or a bracketed IPv6
   * address ({@code \[[0-9A-Fa-f:.]{2,45}\]}). A loop, not a regular expression: the regex was 5 %
   * of a heartbeat's CPU (JFR, docs/benchmarks.md).
   */
  static boolean isHost(String host) {
    int length = host.length();
    if (length >= 4 && host.charAt(0) == '[' && host.charAt(length - 1) == ']') {
      if (length - 2 > 45) {
        return false;
      }
      for (int i = 1; i < length - 1; i++) {
        char c = host.charAt(i);
        if (!(isHexDigit(c) || c == ':' || c == '.')) {
          return false;
        }
      }
      return true;
    }
    if (length < 1 || length > 253 || !isAsciiAlphanumeric(host.charAt(0))) {
      return false;
    }
    for (int i = 1; i < length; i++) {
      char c = host.charAt(i);
      if (!(isAsciiAlphanumeric(c) || c == '.' || c == '_' || c == '-')) {
        return false;
      }
    }
    return true;
  }

  private static boolean isAsciiAlphanumeric(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  }

  private static boolean isHexDigit(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private static boolean hasControlCharacter(String value) {
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  static List<String> labelFields() {
    return List.of(LABEL_FIELDS);
  }
}
