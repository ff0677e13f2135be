package gifmachine.cli.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Every configurable key, with its flag ({@code --min-tasks}), environment variable ({@code
 * GIFMACHINE_MIN_TASKS}), key in a YAML config file ({@code min-tasks}) and in the earlier
 * project's KEY=VALUE file ({@code MIN_TASKS}; {@code AWS_REGION}, {@code ENVIRONMENT}, {@code
 * COMPANY} as it had them), and default.
 */
public enum Setting {
  ENVIRONMENT("environment", "GIFMACHINE_ENVIRONMENT", ""),
  COMPANY("company", "GIFMACHINE_COMPANY", ""),
  REGION("region", "AWS_REGION", ""),
  PROFILE("profile", "AWS_PROFILE", ""),
  ENDPOINT_URL("endpoint-url", "AWS_ENDPOINT_URL", ""),
  METHOD("method", "GIFMACHINE_METHOD", "changeset"),
  NAT_GATEWAY("nat-gateway", "GIFMACHINE_NAT_GATEWAY", "false"),
  INTERFACE_ENDPOINTS("interface-endpoints", "GIFMACHINE_INTERFACE_ENDPOINTS", "false"),
  GRAVITON("graviton", "GIFMACHINE_GRAVITON", "true"),
  WAF("waf", "GIFMACHINE_WAF", "false"),
  CERTIFICATE_ARN("certificate-arn", "GIFMACHINE_CERTIFICATE_ARN", ""),
  MIN_TASKS("min-tasks", "GIFMACHINE_MIN_TASKS", "1"),
  MAX_TASKS("max-tasks", "GIFMACHINE_MAX_TASKS", "4"),
  DB_INSTANCE_CLASS("db-instance-class", "GIFMACHINE_DB_INSTANCE_CLASS", "db.t4g.micro"),
  MONITORING("monitoring", "GIFMACHINE_MONITORING", "true"),
  PIPELINE("pipeline", "GIFMACHINE_PIPELINE", "true"),
  STRATEGY("strategy", "GIFMACHINE_STRATEGY", "blue-green"),

  EDGE("edge", "GIFMACHINE_EDGE", "cloudfront"),
  DOMAIN("domain", "GIFMACHINE_DOMAIN", ""),
  MONITORING_SPOT("monitoring-spot", "GIFMACHINE_MONITORING_SPOT", "true");

  private final String key;
  private final String environmentVariable;
  private final String defaultValue;

  Setting(String key, String environmentVariable, String defaultValue) {
    this.key = key;
    this.environmentVariable = environmentVariable;
    this.defaultValue = defaultValue;
  }

  /** The YAML key and the flag without its dashes. */
  public String key() {
    return key;
  }

  public String flag() {
    return "--" + key;
  }

  public String environmentVariable() {
    return environmentVariable;
  }

  public String defaultValue() {
    return defaultValue;
  }

  /** The key in the earlier project's {@code config/aws-config.txt}. */
  public String legacyKey() {
    return switch (this) {
      case REGION -> "AWS_REGION";
      case PROFILE -> "AWS_PROFILE";
      case ENDPOINT_URL -> "AWS_ENDPOINT_URL";
      default -> name();
    };
  }

  public static Optional<Setting> byKey(String key) {
    return Arrays.stream(values()).filter(s -> s.key.equals(key)).findFirst();
  }

  public static Optional<Setting> byLegacyKey(String key) {
    return Arrays.stream(values())
        .filter(s -> s.legacyKey().equals(key.toUpperCase(Locale.ROOT)))
        .findFirst();
  }
}
