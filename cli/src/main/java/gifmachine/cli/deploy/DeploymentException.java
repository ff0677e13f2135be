package gifmachine.cli.deploy;

/**
 * A deployment step that cannot go on, with the exit code the CLI documents for it and what to do
 * next. The message reads {@code what happened: why}.
 */
public final class DeploymentException extends RuntimeException {

  /** The documented exit codes (docs/deployer.md). */
  public enum Exit {
    /** A stack or rollout failed. */
    FAILED(1),
    /** Bad configuration or input. */
    CONFIG(2),
    /** AWS not usable: credentials, endpoint, region, permissions. */
    AWS(3),
    /** Something with our names exists and is not ours. */
    CONFLICT(4),
    /** Deployed, but the smoke test failed. */
    SMOKE(5),
    /** Interrupted (Ctrl-C). */
    INTERRUPTED(130);

    private final int code;

    Exit(int code) {
      this.code = code;
    }

    public int code() {
      return code;
    }
  }

  private final Exit exit;
  private final String hint;

  public DeploymentException(Exit exit, String message, String hint) {
    super(message);
    this.exit = exit;
    this.hint = hint;
  }

  public DeploymentException(Exit exit, String message, String hint, Throwable cause) {
    super(message, cause);
    this.exit = exit;
    this.hint = hint;
  }

  public Exit exit() {
    return exit;
  }

  /** What to do next; may be blank. */
  public String hint() {
    return hint;
  }
}
