package gifmachine.app.gif;

import java.sql.SQLException;

/**
 * The database could not answer (down, restarting, pool exhausted); becomes a 503 so clients retry,
 * and never a 500.
 */
public final class DatabaseUnavailableException extends RuntimeException {
  public DatabaseUnavailableException(SQLException cause) {
    super("database unavailable: " + cause.getMessage(), cause);
  }
}
