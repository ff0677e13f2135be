package gifmachine.app;

/**
 * A startup failure the operator can fix: {@link #getMessage()} reads {@code what happened: why}
 * and {@link #hint()} says what to do next. {@link Main} prints both and exits non-zero without a
 * stack trace; callers of {@link Gifmachine#start(GifmachineConfig)} (the CLI's {@code local}) can
 * do the same.
 */
public final class GifmachineStartupException extends RuntimeException {
  private final String hint;

  public GifmachineStartupException(String message, String hint, Throwable cause) {
    super(message, cause);
    this.hint = hint;
  }

  public GifmachineStartupException(String message, String hint) {
    this(message, hint, null);
  }

  /** What the operator should do about it. */
  public String hint() {
    return hint;
  }
}
