package gifmachine.cli.config;

/**
 * Configuration that cannot be used; the message reads {@code what happened: why}, the hint (when
 * there is one) what to do about it.
 */
public final class ConfigException extends RuntimeException {

  private final String hint;

  public ConfigException(String message) {
    this(message, "");
  }

  public ConfigException(String message, String hint) {
    super(message);
    this.hint = hint;
  }

  /** What to do next; blank when the command's {@code --help} is the best advice. */
  public String hint() {
    return hint;
  }
}
