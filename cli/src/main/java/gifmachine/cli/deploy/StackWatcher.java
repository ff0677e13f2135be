package gifmachine.cli.deploy;

import gifmachine.cli.aws.AwsCallException;
import gifmachine.cli.aws.CloudFormationGateway;
import gifmachine.cli.aws.StackDescription;
import gifmachine.cli.aws.StackEvent;
import gifmachine.cli.aws.StackStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The poller: watches one stack until it stops changing, publishing each new stack event once, with
 * backoff and jitter between polls and retries when the API throttles. It draws nothing; the
 * renderer listens.
 */
final class StackWatcher {

  private final CloudFormationGateway cloudFormation;
  private final Pacer pacer;
  private final ProgressListener listener;
  private final EngineSettings settings;
  private final Cancellation cancellation;
  private volatile StackProbe probe = StackProbe.NONE;

  StackWatcher(
      CloudFormationGateway cloudFormation,
      Pacer pacer,
      ProgressListener listener,
      EngineSettings settings,
      Cancellation cancellation) {
    this.cloudFormation = cloudFormation;
    this.pacer = pacer;
    this.listener = listener;
    this.settings = settings;
    this.cancellation = cancellation;
  }

  void probe(StackProbe value) {
    this.probe = value;
  }

  /** What the stack ended as, and the first resource that failed on the way, if any. */
  record Settled(Optional<StackDescription> stack, Optional<StackEvent> firstFailure) {

    String status() {
      return stack.map(StackDescription::status).orElse("DELETE_COMPLETE");
    }

    String failureText() {
      return firstFailure
          .map(e -> e.logicalId() + " (" + e.resourceType() + ") " + e.status() + ": " + e.reason())
          .or(() -> stack.map(StackDescription::statusReason).filter(r -> !r.isBlank()))
          .orElse(status());
    }
  }

  /** Event ids already in the log: the watch after an operation publishes only newer ones. */
  Set<String> baseline(String stackName) throws InterruptedException, StackTimeoutException {
    Set<String> ids = new HashSet<>();
    Instant deadline = pacer.now().plus(settings.stackTimeout());
    Optional<StackDescription> stack =
        call(stackName, deadline, () -> cloudFormation.describe(stackName));
    if (stack.isPresent()) {
      call(stackName, deadline, () -> cloudFormation.events(stackName))
          .forEach(e -> ids.add(e.eventId()));
    }
    return ids;
  }

  /**
   * Polls until the stack is no longer in progress.
   *
   * @param stackRef name, or the stack id when watching a deletion (a deleted stack is found by id
   *     only)
   */
  Settled watch(String stackName, String stackRef, Set<String> seen)
      throws InterruptedException, StackTimeoutException {
    Instant started = pacer.now();
    Instant deadline = started.plus(settings.stackTimeout());
    Backoff backoff = settings.backoff();
    Set<String> published = new HashSet<>(seen);
    List<StackEvent> failures = new ArrayList<>();
    while (true) {
      cancellation.checkpoint();
      Optional<StackDescription> stack =
          call(stackName, deadline, () -> cloudFormation.describe(stackRef));
      List<StackEvent> fresh = new ArrayList<>();
      if (stack.isPresent()) {
        for (StackEvent event : call(stackName, deadline, () -> cloudFormation.events(stackRef))) {
          if (published.add(event.eventId())) {
            fresh.add(event);
          }
        }
      }
      // The API lists newest first; publish in the order things happened.
      for (StackEvent event : fresh.reversed()) {
        if (event.status().endsWith("_FAILED")) {
          failures.add(event);
        }
        listener.on(new ProgressEvent.ResourceChanged(event));
      }
      probe.poll(stackName);
      String status = stack.map(StackDescription::status).orElse("DELETE_COMPLETE");
      if (!StackStatus.inProgress(status)) {
        return new Settled(stack, firstRealFailure(failures));
      }
      if (pacer.now().isAfter(deadline)) {
        throw new StackTimeoutException(stackName, status, Duration.between(started, pacer.now()));
      }
      if (!fresh.isEmpty()) {
        backoff.reset();
      }
      pacer.sleep(backoff.next());
    }
  }

  /**
   * CloudFormation marks resources it gave up on because of another failure as "cancelled"; the
   * cause is the first failure that is not one of those.
   */
  private static Optional<StackEvent> firstRealFailure(List<StackEvent> failures) {
    return failures.stream()
        .filter(e -> !e.isStackEvent())
        .filter(e -> !e.reason().toLowerCase(java.util.Locale.ROOT).contains("cancelled"))
        .findFirst()
        .or(() -> failures.stream().filter(e -> !e.isStackEvent()).findFirst())
        .or(() -> failures.stream().findFirst());
  }

  /** {@link #call} for operations that return nothing. */
  void run(String stackName, Instant deadline, Runnable operation)
      throws InterruptedException, StackTimeoutException {
    call(
        stackName,
        deadline,
        () -> {
          operation.run();
          return null;
        });
  }

  /** Calls the API, pausing and retrying while it throttles, until the deadline. */
  <T> T call(String stackName, Instant deadline, Supplier<T> operation)
      throws InterruptedException, StackTimeoutException {
    Backoff backoff = settings.backoff();
    Instant started = pacer.now();
    while (true) {
      cancellation.checkpoint();
      try {
        return operation.get();
      } catch (AwsCallException e) {
        if (e.kind() != AwsCallException.Kind.THROTTLED) {
          throw e;
        }
        if (pacer.now().isAfter(deadline)) {
          throw new StackTimeoutException(
              stackName, "throttled", Duration.between(started, pacer.now()));
        }
        pacer.sleep(backoff.next());
      }
    }
  }
}
