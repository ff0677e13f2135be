package gifmachine.cli.config;

import java.util.EnumMap;
import java.util.Map;

/**
 * Resolved configuration: one value per {@link Setting}, and where it came from (for {@code
 * --verbose} and error messages).
 */
public record Settings(Map<Setting, String> values, Map<Setting, String> sources) {

  public Settings {
    values = new EnumMap<>(values);
    sources = new EnumMap<>(sources);
  }

  public String get(Setting setting) {
    return values.getOrDefault(setting, setting.defaultValue());
  }

  public String source(Setting setting) {
    return sources.getOrDefault(setting, "default");
  }

  public boolean flag(Setting setting) {
    String value = get(setting).trim().toLowerCase(java.util.Locale.ROOT);
    return switch (value) {
      case "true", "yes", "1", "on" -> true;
      case "false", "no", "0", "off" -> false;
      default ->
          throw new ConfigException(
              setting.key()
                  + " \""
                  + get(setting)
                  + "\" (from "
                  + source(setting)
                  + "): must be true or false");
    };
  }

  /** The setting as a whole number in {@code min..max}; the message names the range either way. */
  public int number(Setting setting, int min, int max) {
    long value;
    try {
      value = Long.parseLong(get(setting).trim());
    } catch (NumberFormatException e) {
      value = Long.MIN_VALUE;
    }
    if (value < min || value > max) {
      throw new ConfigException(
          setting.key()
              + " \""
              + get(setting)
              + "\" (from "
              + source(setting)
              + "): must be a whole number from "
              + min
              + " to "
              + max,
          "Give e.g. "
              + setting.flag()
              + " "
              + Math.max(min, Math.min(max, Integer.parseInt(setting.defaultValue()))));
    }
    return (int) value;
  }
}
