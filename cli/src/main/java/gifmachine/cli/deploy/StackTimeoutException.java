package gifmachine.cli.deploy;

import java.time.Duration;

/** A stack stayed in progress for longer than the engine is willing to wait. */
public final class StackTimeoutException extends Exception {

  private final String lastStatus;

  public StackTimeoutException(String stackName, String lastStatus, Duration waited) {
    super(stackName + " still " + lastStatus + " after " + waited.toMinutes() + " min");
    this.lastStatus = lastStatus;
  }

  public String lastStatus() {
    return lastStatus;
  }
}
