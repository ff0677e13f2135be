package gifmachine.cli.aws;

/**
 * A failed AWS call, classified so that callers can decide what to do without knowing the SDK:
 * retry when {@link Kind#THROTTLED}, treat {@link Kind#NOT_FOUND} as absence, and explain the rest
 * to the user ({@code what happened: why}).
 */
public final class AwsCallException extends RuntimeException {

  /** What kind of failure this was. */
  public enum Kind {
    /** Rate exceeded: retry after a pause. */
    THROTTLED,
    /** The thing asked about does not exist. */
    NOT_FOUND,
    /** No credentials, expired ones, or a signature the service rejected. */
    CREDENTIALS,
    /** Credentials were fine but the caller may not do this. */
    ACCESS_DENIED,
    /** The endpoint could not be reached (DNS, refused connection, timeout). */
    UNREACHABLE,
    /** The request itself was rejected (validation, a name clash, a template error). */
    REJECTED
  }

  private final Kind kind;
  private final String operation;

  public AwsCallException(Kind kind, String operation, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.operation = operation;
  }

  public AwsCallException(Kind kind, String operation, String message) {
    this(kind, operation, message, null);
  }

  public Kind kind() {
    return kind;
  }

  /** The API operation that failed, e.g. {@code CloudFormation.CreateStack}. */
  public String operation() {
    return operation;
  }
}
