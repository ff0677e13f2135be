package gifmachine.cli.config;

/** Configuration that cannot be used; the message reads {@code what happened: why}. */
public final class ConfigException extends RuntimeException {

  public ConfigException(String message) {
    super(message);
  }
}
