package gifmachine.cli.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Resolves configuration with the precedence flags &gt; environment &gt; config file &gt; defaults.
 * The config file is YAML ({@code .yml}/{@code .yaml}, keys as the flags without dashes) or the
 * earlier project's KEY=VALUE {@code config/aws-config.txt} ({@code AWS_REGION}, {@code
 * ENVIRONMENT}, {@code COMPANY}, …). Unknown keys are errors, so a typo never silently falls back
 * to a default.
 *
 * <pre>{@code
 * # gifmachine-on-aws.yml
 * environment: prod
 * company: dundermiff
 * region: eu-west-1
 * min-tasks: 2
 * }</pre>
 */
public final class ConfigResolver {

  /** Looked for in the working directory when no {@code --config} is given, in this order. */
  public static final List<String> DEFAULT_FILES =
      List.of("gifmachine-on-aws.yml", "config/aws-config.txt");

  private final Path workingDirectory;

  public ConfigResolver(Path workingDirectory) {
    this.workingDirectory = workingDirectory;
  }

  /**
   * @param flags values given on the command line, by setting
   * @param environment the process environment
   * @param configFile {@code --config}, blank to look for the default files
   */
  public Settings resolve(
      Map<Setting, String> flags, Map<String, String> environment, String configFile) {
    Map<Setting, String> values = new EnumMap<>(Setting.class);
    Map<Setting, String> sources = new EnumMap<>(Setting.class);
    Optional<Path> file =
        configFile(
            configFile.isBlank() ? environment.getOrDefault("GIFMACHINE_CONFIG", "") : configFile);
    if (file.isPresent()) {
      read(file.get())
          .forEach(
              (setting, value) -> {
                values.put(setting, value);
                sources.put(setting, file.get().toString());
              });
    }
    for (Setting setting : Setting.values()) {
      String value = environment.get(setting.environmentVariable());
      if (setting == Setting.REGION && value == null) {
        value = environment.get("AWS_DEFAULT_REGION");
      }
      if (value != null && !value.isBlank()) {
        values.put(setting, value.trim());
        sources.put(setting, "environment " + setting.environmentVariable());
      }
    }
    flags.forEach(
        (setting, value) -> {
          values.put(setting, value);
          sources.put(setting, "flag " + setting.flag());
        });
    return new Settings(values, sources);
  }

  private Optional<Path> configFile(String given) {
    if (!given.isBlank()) {
      Path path = workingDirectory.resolve(given);
      if (Files.isDirectory(path)) {
        throw new ConfigException(
            "config file " + given + ": is a directory, not a file",
            "Give the file itself, e.g. --config "
                + Path.of(given).resolve(DEFAULT_FILES.getFirst()));
      }
      if (!Files.isRegularFile(path)) {
        throw new ConfigException(
            "config file " + given + ": not found in " + workingDirectory,
            "Check the name, or leave --config out to use ./"
                + DEFAULT_FILES.getFirst()
                + " when it exists.");
      }
      return Optional.of(path);
    }
    return DEFAULT_FILES.stream()
        .map(workingDirectory::resolve)
        .filter(Files::isRegularFile)
        .findFirst();
  }

  static Map<Setting, String> read(Path file) {
    String name = file.getFileName().toString();
    String text;
    try {
      // Strict UTF-8 (readString's default): a binary file fails here instead of parsing as noise.
      text = Files.readString(file);
    } catch (java.nio.charset.CharacterCodingException e) {
      throw notText(file);
    } catch (IOException e) {
      throw new ConfigException(
          "config file "
              + file
              + ": cannot be read ("
              + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
              + ")");
    }
    if (text.indexOf('\0') >= 0) {
      throw notText(file);
    }
    return name.endsWith(".yml") || name.endsWith(".yaml")
        ? yaml(file, text)
        : keyValue(file, text);
  }

  private static ConfigException notText(Path file) {
    return new ConfigException(
        "config file " + file + ": not a text file (it has bytes that are not UTF-8 text)",
        "Give a YAML file (\"region: eu-west-1\" lines) or KEY=VALUE lines like config/aws-config.txt.");
  }

  private static Map<Setting, String> yaml(Path file, String text) {
    Map<Setting, String> values = new EnumMap<>(Setting.class);
    JsonNode root;
    try {
      root = new ObjectMapper(new YAMLFactory()).readTree(text);
    } catch (JsonProcessingException e) {
      throw invalidYaml(file, e);
    } catch (IOException e) {
      throw new ConfigException(
          "config file "
              + file
              + ": not valid YAML ("
              + e.getMessage().lines().findFirst().orElse("")
              + ")");
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return values;
    }
    if (!root.isObject()) {
      throw new ConfigException("config file " + file + ": must be a mapping of keys to values");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> entry = it.next();
      Setting setting =
          Setting.byKey(entry.getKey())
              .orElseThrow(
                  () ->
                      unknown(
                          file, entry.getKey(), Arrays.stream(Setting.values()).map(Setting::key)));
      if (entry.getValue().isContainerNode()) {
        throw new ConfigException(
            "config file " + file + ": " + entry.getKey() + " must be a single value");
      }
      values.put(setting, entry.getValue().asText());
    }
    return values;
  }

  /**
   * {@code config file F line L, column C: not valid YAML (problem)}, the place as an editor counts
   * it.
   */
  private static ConfigException invalidYaml(Path file, JsonProcessingException e) {
    JsonLocation at = e.getLocation();
    String where =
        at == null || at.getLineNr() < 1
            ? ""
            : " line " + at.getLineNr() + ", column " + at.getColumnNr();
    String problem =
        e.getOriginalMessage() == null
            ? ""
            : e.getOriginalMessage().lines().findFirst().orElse("").strip();
    return new ConfigException(
        "config file " + file + where + ": not valid YAML (" + problem + ")",
        "Fix the file at that place; a config file is \"key: value\" lines such as \"region: eu-west-1\".");
  }

  private static Map<Setting, String> keyValue(Path file, String text) {
    Map<Setting, String> values = new EnumMap<>(Setting.class);
    int number = 0;
    for (String raw : text.split("\\R")) {
      number++;
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (line.startsWith("export ")) {
        line = line.substring("export ".length()).strip();
      }
      int equals = line.indexOf('=');
      if (equals <= 0) {
        throw new ConfigException(
            "config file "
                + file
                + " line "
                + number
                + ": expected KEY=VALUE, got \""
                + line
                + "\"");
      }
      String key = line.substring(0, equals).strip();
      String value = line.substring(equals + 1).strip();
      if (value.length() >= 2
          && (value.startsWith("\"") && value.endsWith("\"")
              || value.startsWith("'") && value.endsWith("'"))) {
        value = value.substring(1, value.length() - 1);
      }
      Setting setting =
          Setting.byLegacyKey(key)
              .orElseThrow(
                  () ->
                      unknown(file, key, Arrays.stream(Setting.values()).map(Setting::legacyKey)));
      values.put(setting, value);
    }
    return values;
  }

  private static ConfigException unknown(
      Path file, String key, java.util.stream.Stream<String> known) {
    return new ConfigException(
        "config file "
            + file
            + ": unknown key \""
            + key
            + "\" (known: "
            + known.collect(Collectors.joining(", "))
            + ")");
  }
}
