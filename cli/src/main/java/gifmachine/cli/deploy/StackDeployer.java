package gifmachine.cli.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gifmachine.cli.aws.AwsCallException;
import gifmachine.cli.aws.ChangeSet;
import gifmachine.cli.aws.CloudFormationGateway;
import gifmachine.cli.aws.StackDescription;
import gifmachine.cli.aws.StackStatus;
import gifmachine.cli.deploy.StackResult.Outcome;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The deploy engine: creates or updates stacks in dependency order, independent stacks in parallel,
 * through change sets (or direct create/update for emulators whose change-set stacks get no
 * outputs), waits for each, and deletes them again in reverse order. It recovers the states a
 * previous run can leave behind: a stack still in progress is waited for, a stack in {@code
 * ROLLBACK_COMPLETE} is deleted and created again, a rolled-back update is updated again.
 *
 * <pre>{@code
 * StackDeployer engine = new StackDeployer(gateway, Pacer.system(), renderer,
 *     EngineSettings.defaults(), new Cancellation());
 * List<StackResult> results = engine.deploy(nodes, StackDeployer.Method.CHANGESET);
 * }</pre>
 */
public final class StackDeployer {

  /** How stacks are created and updated. */
  public enum Method {
    /** Change sets: reviewable, what the CDK CLI does by default. */
    CHANGESET,
    /** CreateStack/UpdateStack: for emulators (moto gives change-set stacks no outputs). */
    DIRECT
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  private final CloudFormationGateway cloudFormation;
  private final Pacer pacer;
  private final ProgressListener listener;
  private final EngineSettings settings;
  private final Cancellation cancellation;
  private final StackWatcher watcher;
  private final TypicalDurations typical = new TypicalDurations();

  public StackDeployer(
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
    this.watcher = new StackWatcher(cloudFormation, pacer, listener, settings, cancellation);
  }

  /**
   * Deploys the stacks, each after the stacks it depends on (dependencies outside the list are
   * taken as already deployed). A stack whose dependency failed is {@link Outcome#SKIPPED}.
   *
   * @return one result per stack, in the order given
   */
  public List<StackResult> deploy(List<StackNode> stacks, Method method) {
    return deploy(stacks, method, StackProbe.NONE);
  }

  /** {@link #deploy(List, Method)}, calling {@code probe} on every poll of a stack in progress. */
  public List<StackResult> deploy(List<StackNode> stacks, Method method, StackProbe probe) {
    watcher.probe(probe);
    try {
      return schedule(stacks, dependenciesOf(stacks), node -> deployOne(node, method));
    } finally {
      watcher.probe(StackProbe.NONE);
    }
  }

  /**
   * Changes nothing: waits for each stack still in progress to settle, in parallel, with the same
   * progress and probe as {@link #deploy}. A stack whose update was rolled back ends {@code
   * ROLLED_BACK} ({@code rollback} waits for that), a stack whose operation succeeded {@code
   * UPDATED}, an absent one {@code ALREADY_ABSENT}.
   */
  public List<StackResult> await(List<String> stackNames, StackProbe probe) {
    watcher.probe(probe);
    try {
      List<StackNode> nodes = stackNames.stream().map(n -> StackNode.named(n, List.of())).toList();
      return schedule(nodes, Map.of(), this::awaitOne);
    } finally {
      watcher.probe(StackProbe.NONE);
    }
  }

  private StackResult awaitOne(StackNode node) throws InterruptedException, StackTimeoutException {
    String name = node.stackName();
    Optional<StackDescription> settled = settle(name);
    if (settled.isEmpty()) {
      return StackResult.of(name, Outcome.ALREADY_ABSENT, "");
    }
    String status = settled.get().status();
    if (status.equals("UPDATE_ROLLBACK_COMPLETE")) {
      return StackResult.of(name, Outcome.ROLLED_BACK, status);
    }
    if (StackStatus.succeeded(status)) {
      return StackResult.of(name, Outcome.UPDATED, status);
    }
    return new StackResult(name, Outcome.FAILED, status, settled.get().statusReason());
  }

  /** Deletes the stacks, each after every stack that depends on it; absent stacks are fine. */
  public List<StackResult> delete(List<StackNode> stacks) {
    Map<String, List<String>> dependents = new LinkedHashMap<>();
    stacks.forEach(s -> dependents.put(s.stackName(), new ArrayList<>()));
    for (StackNode stack : stacks) {
      for (String dependency : stack.dependsOn()) {
        if (dependents.containsKey(dependency)) {
          dependents.get(dependency).add(stack.stackName());
        }
      }
    }
    List<StackResult> reversed = schedule(stacks.reversed(), dependents, this::deleteOne);
    return reversed.reversed();
  }

  /** Makes a change set per stack, reads it and deletes it again: nothing is changed. */
  public List<StackPlan> plan(List<StackNode> stacks) {
    List<StackPlan> plans = new ArrayList<>();
    for (StackNode stack : stacks) {
      try {
        plans.add(planOne(stack));
      } catch (AwsCallException e) {
        plans.add(new StackPlan(stack.stackName(), false, List.of(), e.getMessage()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      } catch (StackTimeoutException e) {
        plans.add(new StackPlan(stack.stackName(), false, List.of(), e.getMessage()));
      }
    }
    return plans;
  }

  private static Map<String, List<String>> dependenciesOf(List<StackNode> stacks) {
    Map<String, List<String>> dependencies = new LinkedHashMap<>();
    stacks.forEach(s -> dependencies.put(s.stackName(), s.dependsOn()));
    return dependencies;
  }

  /** Runs each node on its own virtual thread once every node it waits for has succeeded. */
  private List<StackResult> schedule(
      List<StackNode> order, Map<String, List<String>> waitsFor, Operation operation) {
    Map<String, CompletableFuture<StackResult>> futures = new LinkedHashMap<>();
    try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
      for (StackNode node : order) {
        List<CompletableFuture<StackResult>> before =
            waitsFor.getOrDefault(node.stackName(), List.of()).stream()
                .map(futures::get)
                .filter(f -> f != null)
                .toList();
        CompletableFuture<StackResult> future =
            CompletableFuture.allOf(before.toArray(CompletableFuture[]::new))
                .thenApplyAsync(
                    ignored -> {
                      Optional<StackResult> blocker =
                          before.stream()
                              .map(CompletableFuture::join)
                              .filter(r -> r.outcome().isFailure())
                              .findFirst();
                      if (blocker.isPresent() || cancellation.isCancelled()) {
                        String why =
                            blocker
                                .map(
                                    b ->
                                        "waits for "
                                            + b.stackName()
                                            + ", which "
                                            + b.outcome().name().toLowerCase())
                                .orElse("interrupted before it started");
                        StackResult skipped =
                            new StackResult(node.stackName(), Outcome.SKIPPED, "", why);
                        listener.on(
                            new ProgressEvent.StackFinished(
                                node.stackName(), skipped, pacer.now()));
                        return skipped;
                      }
                      return run(node, operation);
                    },
                    executor);
        futures.put(node.stackName(), future);
      }
      List<StackResult> results = new ArrayList<>();
      for (CompletableFuture<StackResult> future : futures.values()) {
        try {
          results.add(future.get());
        } catch (ExecutionException e) {
          if (e.getCause() instanceof AwsCallException denied) {
            throw denied;
          }
          throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while waiting for stacks", e);
        }
      }
      return results;
    }
  }

  @FunctionalInterface
  private interface Operation {
    StackResult apply(StackNode node) throws InterruptedException, StackTimeoutException;
  }

  private StackResult run(StackNode node, Operation operation) {
    cancellation.enter();
    StackResult result;
    try {
      result = operation.apply(node);
    } catch (InterruptedException e) {
      String status = lastKnownStatus(node.stackName());
      result =
          new StackResult(
              node.stackName(),
              Outcome.INTERRUPTED,
              status,
              "stopped waiting; CloudFormation carries on with it");
    } catch (StackTimeoutException e) {
      result = new StackResult(node.stackName(), Outcome.TIMED_OUT, e.lastStatus(), e.getMessage());
    } catch (AwsCallException e) {
      result =
          new StackResult(
              node.stackName(),
              Outcome.FAILED,
              lastKnownStatus(node.stackName()),
              e.operation() + ": " + e.getMessage());
      if (e.kind() == AwsCallException.Kind.ACCESS_DENIED) {
        // The caller's rights, not this stack, failed: the command ends, exit 3 naming the
        // action (Preflight.explain), instead of reporting a failed stack.
        listener.on(new ProgressEvent.StackFinished(node.stackName(), result, pacer.now()));
        throw e;
      }
    } finally {
      cancellation.leave();
      Thread.interrupted();
    }
    listener.on(new ProgressEvent.StackFinished(node.stackName(), result, pacer.now()));
    return result;
  }

  private String lastKnownStatus(String stackName) {
    try {
      return cloudFormation.describe(stackName).map(StackDescription::status).orElse("");
    } catch (RuntimeException e) {
      return "";
    }
  }

  private StackResult deployOne(StackNode node, Method method)
      throws InterruptedException, StackTimeoutException {
    String name = node.stackName();
    Optional<StackDescription> current = settle(name);
    if (current.isPresent() && StackStatus.mustRecreate(current.get().status())) {
      // A stack that never got created cannot be updated: delete it, then create it afresh.
      StackResult deleted = deleteOne(node);
      if (deleted.outcome().isFailure()) {
        return deleted;
      }
      current = Optional.empty();
    }
    if (current.isPresent()
        && !StackStatus.updatable(current.get().status())
        && !current.get().status().equals("REVIEW_IN_PROGRESS")) {
      return new StackResult(
          name,
          Outcome.FAILED,
          current.get().status(),
          "the stack is "
              + current.get().status()
              + " and cannot be updated: "
              + current.get().statusReason());
    }
    boolean create = current.isEmpty() || current.get().status().equals("REVIEW_IN_PROGRESS");
    return method == Method.DIRECT ? direct(node, create, current) : viaChangeSet(node, create);
  }

  /** If an earlier run left the stack in progress, waits for it to settle first (resume). */
  private Optional<StackDescription> settle(String name)
      throws InterruptedException, StackTimeoutException {
    Instant deadline = pacer.now().plus(settings.stackTimeout());
    Optional<StackDescription> current =
        watcher.call(name, deadline, () -> cloudFormation.describe(name));
    if (current.isPresent() && StackStatus.inProgress(current.get().status())) {
      listener.on(
          new ProgressEvent.StackStarted(
              name, "wait for " + current.get().status(), pacer.now(), typical.update("{}")));
      return watcher.watch(name, name, watcher.baseline(name)).stack();
    }
    return current;
  }

  private StackResult direct(StackNode node, boolean create, Optional<StackDescription> current)
      throws InterruptedException, StackTimeoutException {
    String name = node.stackName();
    Instant deadline = pacer.now().plus(settings.stackTimeout());
    if (!create) {
      Optional<String> deployed = watcher.call(name, deadline, () -> cloudFormation.template(name));
      if (deployed.isPresent()
          && sameTemplate(deployed.get(), node.templateBody())
          && current.get().tags().equals(node.tags())
          && !current.get().status().equals("UPDATE_ROLLBACK_COMPLETE")) {
        return noChanges(name, current.get().status());
      }
    }
    Set<String> seen = watcher.baseline(name);
    listener.on(
        new ProgressEvent.StackStarted(
            name, create ? "create" : "update", pacer.now(), eta(node, create)));
    if (create) {
      watcher.run(
          name,
          deadline,
          () -> cloudFormation.createStack(name, node.templateBody(), node.tags(), node.roleArn()));
    } else {
      boolean updating =
          watcher.call(
              name,
              deadline,
              () ->
                  cloudFormation.updateStack(
                      name, node.templateBody(), node.tags(), node.roleArn()));
      if (!updating) {
        return noChanges(name, current.get().status());
      }
    }
    return finish(node, create, seen);
  }

  private StackResult viaChangeSet(StackNode node, boolean create)
      throws InterruptedException, StackTimeoutException {
    String name = node.stackName();
    String changeSetName = "gifmachine-on-aws-" + pacer.now().toEpochMilli();
    ChangeSet changeSet = createChangeSet(node, changeSetName, create);
    if (changeSet.isEmpty()) {
      Instant deadline = pacer.now().plus(settings.stackTimeout());
      watcher.run(name, deadline, () -> cloudFormation.deleteChangeSet(name, changeSetName));
      return noChanges(name, lastKnownStatus(name));
    }
    if (!changeSet.status().equals("CREATE_COMPLETE")) {
      return new StackResult(
          name,
          Outcome.FAILED,
          lastKnownStatus(name),
          "the change set failed: " + changeSet.statusReason());
    }
    Set<String> seen = watcher.baseline(name);
    listener.on(
        new ProgressEvent.StackStarted(
            name, create ? "create" : "update", pacer.now(), eta(node, create)));
    Instant deadline = pacer.now().plus(settings.stackTimeout());
    watcher.run(name, deadline, () -> cloudFormation.executeChangeSet(name, changeSetName));
    return finish(node, create, seen);
  }

  private ChangeSet createChangeSet(StackNode node, String changeSetName, boolean create)
      throws InterruptedException, StackTimeoutException {
    String name = node.stackName();
    Instant deadline = pacer.now().plus(settings.stackTimeout());
    watcher.run(
        name,
        deadline,
        () ->
            cloudFormation.createChangeSet(
                name, changeSetName, node.templateBody(), node.tags(), create, node.roleArn()));
    Backoff backoff = settings.backoff();
    while (true) {
      ChangeSet changeSet =
          watcher.call(name, deadline, () -> cloudFormation.describeChangeSet(name, changeSetName));
      if (!changeSet.isPending()) {
        return changeSet;
      }
      if (pacer.now().isAfter(deadline)) {
        throw new StackTimeoutException(
            name, "change set " + changeSet.status(), settings.stackTimeout());
      }
      pacer.sleep(backoff.next());
    }
  }

  private StackResult finish(StackNode node, boolean create, Set<String> seen)
      throws InterruptedException, StackTimeoutException {
    StackWatcher.Settled settled = watcher.watch(node.stackName(), node.stackName(), seen);
    String status = settled.status();
    if (StackStatus.succeeded(status)) {
      return StackResult.of(node.stackName(), create ? Outcome.CREATED : Outcome.UPDATED, status);
    }
    return new StackResult(node.stackName(), Outcome.FAILED, status, settled.failureText());
  }

  private StackResult noChanges(String name, String status) {
    listener.on(new ProgressEvent.Step(name + ": no changes", pacer.now()));
    return StackResult.of(name, Outcome.NO_CHANGES, status);
  }

  private StackResult deleteOne(StackNode node) throws InterruptedException, StackTimeoutException {
    String name = node.stackName();
    Optional<StackDescription> current = settle(name);
    if (current.isEmpty()) {
      return StackResult.of(name, Outcome.ALREADY_ABSENT, "");
    }
    String stackId = current.get().id();
    Set<String> seen = watcher.baseline(name);
    listener.on(new ProgressEvent.StackStarted(name, "delete", pacer.now(), typical.delete()));
    Instant deadline = pacer.now().plus(settings.stackTimeout());
    watcher.run(name, deadline, () -> cloudFormation.deleteStack(name));
    // A deleted stack is only found by its id; by name it is simply gone.
    StackWatcher.Settled settled = watcher.watch(name, stackId, seen);
    if (settled.status().equals("DELETE_COMPLETE")) {
      return StackResult.of(name, Outcome.DELETED, "DELETE_COMPLETE");
    }
    return new StackResult(name, Outcome.FAILED, settled.status(), settled.failureText());
  }

  private StackPlan planOne(StackNode node) throws InterruptedException, StackTimeoutException {
    String name = node.stackName();
    Instant deadline = pacer.now().plus(settings.stackTimeout());
    Optional<StackDescription> current =
        watcher.call(name, deadline, () -> cloudFormation.describe(name));
    if (current.isPresent() && StackStatus.inProgress(current.get().status())) {
      return new StackPlan(
          name,
          false,
          List.of(),
          "the stack is " + current.get().status() + "; plan again when it is done");
    }
    boolean create =
        current.isEmpty()
            || current.get().status().equals("REVIEW_IN_PROGRESS")
            || StackStatus.mustRecreate(current.get().status());
    if (create && current.isPresent() && StackStatus.mustRecreate(current.get().status())) {
      return new StackPlan(name, true, List.of(), "");
    }
    String changeSetName = "gifmachine-on-aws-plan-" + pacer.now().toEpochMilli();
    ChangeSet changeSet = createChangeSet(node, changeSetName, create);
    watcher.call(
        name,
        deadline,
        () -> {
          cloudFormation.deleteChangeSet(name, changeSetName);
          if (create && current.isEmpty()) {
            // A CREATE change set leaves an empty stack in REVIEW_IN_PROGRESS: remove it again.
            cloudFormation.deleteStack(name);
          }
          return true;
        });
    if (changeSet.isEmpty()) {
      return new StackPlan(name, create, List.of(), "");
    }
    if (!changeSet.status().equals("CREATE_COMPLETE")) {
      return new StackPlan(name, create, List.of(), changeSet.statusReason());
    }
    return new StackPlan(name, create, changeSet.changes(), "");
  }

  private java.time.Duration eta(StackNode node, boolean create) {
    return create ? typical.create(node.templateBody()) : typical.update(node.templateBody());
  }

  /** Templates compare as JSON, so whitespace and key order in the stored copy do not matter. */
  static boolean sameTemplate(String deployed, String wanted) {
    try {
      JsonNode a = JSON.readTree(deployed);
      JsonNode b = JSON.readTree(wanted);
      return a.equals(b);
    } catch (Exception e) {
      return false;
    }
  }
}
