package gifmachine.cli.deploy;

import gifmachine.cli.aws.StackEvent;
import java.time.Duration;
import java.time.Instant;

/**
 * What the deploy engine publishes while it works; the renderer in {@code term/} draws these and
 * nothing else, so polling and drawing stay apart.
 */
public sealed interface ProgressEvent {

  /** Work on a stack began; {@code eta} is the typical time the operation takes. */
  record StackStarted(String stackName, String operation, Instant at, Duration eta)
      implements ProgressEvent {}

  /** A resource of a stack (or the stack itself) entered a new status. */
  record ResourceChanged(StackEvent event) implements ProgressEvent {}

  /** Work on a stack ended. */
  record StackFinished(String stackName, StackResult result, Instant at) implements ProgressEvent {}

  /** A step outside CloudFormation (pushing images, the smoke test, cleanup). */
  record Step(String description, Instant at) implements ProgressEvent {}
}
