package gifmachine.app.gif;

/** Client input that cannot be accepted; becomes a 400 with {@code {"error":"field: why"}}. */
public final class InvalidInputException extends RuntimeException {
  public InvalidInputException(String field, String why) {
    super(field + ": " + why, null, false, false);
  }

  /**
   * Refuses text PostgreSQL cannot store as it is: NUL (no {@code text} value may hold it) and a
   * lone UTF-16 surrogate (not Unicode; the driver would silently turn it into {@code ?}).
   *
   * @throws InvalidInputException naming {@code field}
   */
  public static void requireStorable(String field, String value) {
    if (value == null) {
      return;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == 0) {
        throw new InvalidInputException(field, "contains a NUL character");
      }
      if (Character.isHighSurrogate(c)
          && i + 1 < value.length()
          && Character.isLowSurrogate(value.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new InvalidInputException(field, "is not valid Unicode (a lone surrogate)");
      }
    }
  }
}
