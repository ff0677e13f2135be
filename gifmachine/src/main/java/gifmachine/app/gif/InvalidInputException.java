package gifmachine.app.gif;

/**
 * Client input that cannot be accepted; becomes a 400 with {@code {"error":"field: why"}}.
 */
public final class InvalidInputException extends RuntimeException {
  public InvalidInputException(String field, String why) {
    super(field + ": " + why, null, false, false);
  }
}
