package gifmachine.cdepot;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns a {@code POST /alive} body into a {@link Heartbeat}, or says precisely which field is
 * wrong. The Go original panicked on bad JSON; this one answers 400 and keeps serving.
 */
final class HeartbeatParser {

  static final int MAX_LABEL_LENGTH = 128;
  static final int MAX_EXTRA_TARGETS = 16;
  private static final String[] LABEL_FIELDS = {
    "cluster", "function", "taskID", "publicIP", "gitBranch"
  };
  // A DNS name, an IPv4 address or a bracketed IPv6 address.
  private static final Pattern HOST =
      Pattern.compile("[A-Za-z0-9](?:[A-Za-z0-9._-]{0,252})|\\[[0-9A-Fa-f:.]{2,45}\\]");

  private final ObjectMapper json;

  HeartbeatParser(ObjectMapper json) {
    this.json = json;
  }

  /** Raised for a body that is not a valid heartbeat; the message names the field. */
  static final class InvalidHeartbeat extends Exception {
    InvalidHeartbeat(String message) {
      super(message, null, false, false);
    }
  }

  Heartbeat parse(byte[] body) throws InvalidHeartbeat {
    JsonNode root;
    try {
      root = json.readTree(body);
    } catch (JacksonException e) {
      throw new InvalidHeartbeat("body: must be a JSON object");
    } catch (java.io.IOException e) {
      throw new InvalidHeartbeat("body: unreadable");
    }
    if (root == null || !root.isObject()) {
      throw new InvalidHeartbeat("body: must be a JSON object");
    }
    String[] labels = new String[LABEL_FIELDS.length];
    for (int i = 0; i < LABEL_FIELDS.length; i++) {
      labels[i] = label(root, LABEL_FIELDS[i]);
    }
    JsonNode localIpNode = root.get("localIP");
    if (localIpNode == null || localIpNode.isNull()) {
      throw new InvalidHeartbeat("localIP: required (host:port)");
    }
    if (!localIpNode.isTextual()) {
      throw new InvalidHeartbeat("localIP: must be a string host:port");
    }
    String localIp = address("localIP", localIpNode.textValue());
    Set<String> targets = new LinkedHashSet<>();
    targets.add(localIp);
    JsonNode extra = root.get("targets");
    if (extra != null && !extra.isNull()) {
      if (!extra.isArray()) {
        throw new InvalidHeartbeat("targets: must be an array of host:port strings");
      }
      if (extra.size() > MAX_EXTRA_TARGETS) {
        throw new InvalidHeartbeat("targets: at most " + MAX_EXTRA_TARGETS + " entries");
      }
      for (JsonNode target : extra) {
        if (!target.isTextual()) {
          throw new InvalidHeartbeat("targets: must be an array of host:port strings");
        }
        targets.add(address("targets", target.textValue()));
      }
    }
    return new Heartbeat(
        labels[0], labels[1], labels[2], localIp, labels[3], labels[4], new ArrayList<>(targets));
  }

  private static String label(JsonNode root, String field) throws InvalidHeartbeat {
    JsonNode node = root.get(field);
    if (node == null || node.isNull()) {
      return "";
    }
    if (!node.isTextual()) {
      throw new InvalidHeartbeat(field + ": must be a string");
    }
    String value = node.textValue();
    if (value.length() > MAX_LABEL_LENGTH) {
      throw new InvalidHeartbeat(field + ": at most " + MAX_LABEL_LENGTH + " characters");
    }
    if (hasControlCharacter(value)) {
      throw new InvalidHeartbeat(field + ": must not contain control characters");
    }
    return value;
  }

  static String address(String field, String value) throws InvalidHeartbeat {
    int colon = value.lastIndexOf(':');
    if (colon <= 0 || colon == value.length() - 1 || value.length() > 300) {
      throw new InvalidHeartbeat(field + ": must be host:port");
    }
    String host = value.substring(0, colon);
    if (!HOST.matcher(host).matches()) {
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
