package gifmachine.cli.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gifmachine.cli.aws.AwsCallException;
import gifmachine.cli.aws.ChangeSet;
import gifmachine.cli.aws.CloudFormationGateway;
import gifmachine.cli.aws.ResourceChange;
import gifmachine.cli.aws.StackDescription;
import gifmachine.cli.aws.StackEvent;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * CloudFormation in memory, driven by scripts: each operation (create, update, delete) plays a list
 * of steps, one stack status per {@code describe} call, with resource events in between. A step is
 * either a stack status ({@code "CREATE_COMPLETE"}) or a resource event ({@code
 * "Db|AWS::RDS::DBInstance|CREATE_FAILED|class not available"}).
 */
final class InMemoryCloudFormation implements CloudFormationGateway {

  private static final ObjectMapper JSON = new ObjectMapper();

  final List<String> calls = new CopyOnWriteArrayList<>();
  private final Map<String, Stack> stacks = new LinkedHashMap<>();
  private final Map<String, Stack> byId = new HashMap<>();
  private final Map<String, List<String>> scripts = new HashMap<>();
  private final Map<String, BooleanSupplier> holds = new HashMap<>();
  private final Map<String, Map<String, String>> outputs = new HashMap<>();
  private final AtomicInteger throttles = new AtomicInteger();
  private final AtomicInteger ids = new AtomicInteger();
  private Runnable onDescribe = () -> {};

  private static final class Stack {
    final String name;
    final String id;
    String status;
    String reason = "";
    String template;
    String previousTemplate;
    Map<String, String> tags;
    Map<String, String> outputs = Map.of();
    final List<StackEvent> events = new ArrayList<>();
    final Deque<String> pending = new ArrayDeque<>();
    final Map<String, ChangeSetState> changeSets = new HashMap<>();

    Stack(String name, String id) {
      this.name = name;
      this.id = id;
    }
  }

  private record ChangeSetState(
      String template, Map<String, String> tags, boolean create, int[] describes) {}

  /**
   * The script the next operation named {@code create}, {@code update} or {@code delete} on the
   * stack plays.
   */
  InMemoryCloudFormation script(String stackName, String operation, String... steps) {
    scripts.put(stackName + "/" + operation, List.of(steps));
    return this;
  }

  InMemoryCloudFormation clearScripts() {
    scripts.clear();
    holds.clear();
    return this;
  }

  /** Outputs the stack gets when its creation completes. */
  InMemoryCloudFormation outputs(String stackName, Map<String, String> values) {
    outputs.put(stackName, values);
    return this;
  }

  /** The stack stays at its current in-progress status until the condition holds. */
  InMemoryCloudFormation holdUntil(String stackName, BooleanSupplier condition) {
    holds.put(stackName, condition);
    return this;
  }

  /** The next {@code n} calls fail as throttled. */
  InMemoryCloudFormation throttleNext(int n) {
    throttles.set(n);
    return this;
  }

  InMemoryCloudFormation onDescribe(Runnable hook) {
    this.onDescribe = hook;
    return this;
  }

  /** A stack that exists before the run. */
  synchronized InMemoryCloudFormation existing(
      String name, String status, String template, Map<String, String> tags) {
    Stack stack = newStack(name);
    stack.status = status;
    stack.template = template;
    stack.tags = Map.copyOf(tags);
    stack.events.add(event(stack, name, "AWS::CloudFormation::Stack", status, ""));
    return this;
  }

  /** An earlier operation still running: the stack plays these steps from now on. */
  synchronized InMemoryCloudFormation playing(String name, String... steps) {
    stacks.get(name).pending.addAll(List.of(steps));
    return this;
  }

  synchronized Optional<String> status(String name) {
    return Optional.ofNullable(stacks.get(name)).map(s -> s.status);
  }

  long count(String prefix) {
    return calls.stream().filter(c -> c.startsWith(prefix)).count();
  }

  int indexOf(String call) {
    return calls.indexOf(call);
  }

  private Stack newStack(String name) {
    Stack stack =
        new Stack(
            name,
            "arn:aws:cloudformation:eu-west-1:000000000000:stack/"
                + name
                + "/"
                + ids.incrementAndGet());
    stacks.put(name, stack);
    byId.put(stack.id, stack);
    return stack;
  }

  private void maybeThrottle(String operation) {
    if (throttles.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      calls.add("Throttled " + operation);
      throw new AwsCallException(AwsCallException.Kind.THROTTLED, operation, "Rate exceeded");
    }
  }

  private Stack require(String nameOrId, String operation) {
    Stack stack = stacks.containsKey(nameOrId) ? stacks.get(nameOrId) : byId.get(nameOrId);
    if (stack == null || (stack.status.equals("DELETE_COMPLETE") && stacks.get(nameOrId) != null)) {
      throw new AwsCallException(
          AwsCallException.Kind.NOT_FOUND,
          operation,
          "Stack with id " + nameOrId + " does not exist");
    }
    return stack;
  }

  private StackEvent event(
      Stack stack, String logicalId, String type, String status, String reason) {
    return new StackEvent(
        "e" + ids.incrementAndGet(), stack.name, logicalId, type, status, reason, Instant.now());
  }

  private void start(Stack stack, String operation, String defaultStatus, String defaultDone) {
    List<String> steps =
        scripts.getOrDefault(
            stack.name + "/" + operation,
            List.of(
                defaultStatus,
                "Resource|AWS::SNS::Topic|" + defaultStatus,
                "Resource|AWS::SNS::Topic|"
                    + defaultDone.replace("DELETE_COMPLETE", "DELETE_COMPLETE"),
                defaultDone));
    stack.pending.clear();
    stack.pending.addAll(steps);
    advance(stack, true);
  }

  /** Plays resource events up to and including the next stack status. */
  private void advance(Stack stack, boolean starting) {
    BooleanSupplier hold = holds.get(stack.name);
    if (!starting
        && hold != null
        && !hold.getAsBoolean()
        && stack.status.endsWith("_IN_PROGRESS")) {
      return;
    }
    while (!stack.pending.isEmpty()) {
      String step = stack.pending.poll();
      String[] parts = step.split("\\|", -1);
      if (parts.length == 1) {
        stack.status = step;
        stack.events.add(event(stack, stack.name, "AWS::CloudFormation::Stack", step, ""));
        if (step.equals("CREATE_COMPLETE")) {
          stack.outputs = outputs.getOrDefault(stack.name, Map.of());
        }
        if (!step.endsWith("_IN_PROGRESS")) {
          calls.add("Settled " + stack.name + " " + step);
        }
        if (step.equals("ROLLBACK_COMPLETE") || step.equals("UPDATE_ROLLBACK_COMPLETE")) {
          stack.reason = "The following resource(s) failed";
        }
        if (step.equals("UPDATE_ROLLBACK_COMPLETE")) {
          stack.template = stack.previousTemplate;
        }
        return;
      }
      stack.events.add(
          event(stack, parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : ""));
    }
  }

  @Override
  public Optional<StackDescription> describe(String stackName) {
    onDescribe.run();
    synchronized (this) {
      maybeThrottle("DescribeStacks");
      Stack stack = stacks.containsKey(stackName) ? stacks.get(stackName) : byId.get(stackName);
      if (stack == null) {
        return Optional.empty();
      }
      advance(stack, false);
      if (stack.status.equals("DELETE_COMPLETE") && stacks.get(stackName) == stack) {
        stacks.remove(stackName);
        return Optional.empty();
      }
      if (stack.status.equals("DELETE_COMPLETE")) {
        stacks.remove(stack.name, stack);
      }
      return Optional.of(
          new StackDescription(
              stack.name,
              stack.id,
              stack.status,
              stack.reason,
              stack.outputs,
              stack.tags == null ? Map.of() : stack.tags));
    }
  }

  @Override
  public synchronized List<StackEvent> events(String stackName) {
    maybeThrottle("DescribeStackEvents");
    return require(stackName, "DescribeStackEvents").events.reversed();
  }

  @Override
  public synchronized Optional<String> template(String stackName) {
    maybeThrottle("GetTemplate");
    return Optional.ofNullable(stacks.get(stackName)).map(s -> s.template);
  }

  @Override
  public synchronized void createChangeSet(
      String stackName,
      String changeSetName,
      String templateBody,
      Map<String, String> tags,
      boolean newStack,
      String roleArn) {
    maybeThrottle("CreateChangeSet");
    calls.add("CreateChangeSet " + stackName + (roleArn.isEmpty() ? "" : " as " + roleArn));
    Stack stack = stacks.get(stackName);
    if (newStack) {
      if (stack != null && !stack.status.equals("REVIEW_IN_PROGRESS")) {
        throw new AwsCallException(
            AwsCallException.Kind.REJECTED,
            "CreateChangeSet",
            "Stack [" + stackName + "] already exists");
      }
      if (stack == null) {
        stack = newStack(stackName);
        stack.status = "REVIEW_IN_PROGRESS";
      }
    } else if (stack == null) {
      throw new AwsCallException(
          AwsCallException.Kind.NOT_FOUND,
          "CreateChangeSet",
          "Stack [" + stackName + "] does not exist");
    }
    stack.changeSets.put(
        changeSetName, new ChangeSetState(templateBody, Map.copyOf(tags), newStack, new int[1]));
  }

  @Override
  public synchronized ChangeSet describeChangeSet(String stackName, String changeSetName) {
    maybeThrottle("DescribeChangeSet");
    Stack stack = require(stackName, "DescribeChangeSet");
    ChangeSetState state = stack.changeSets.get(changeSetName);
    if (state.describes()[0]++ == 0) {
      return new ChangeSet(stackName, changeSetName, "CREATE_PENDING", "", List.of());
    }
    List<ResourceChange> changes = diff(state.create() ? null : stack.template, state.template());
    if (changes.isEmpty() && (stack.tags == null || stack.tags.equals(state.tags()))) {
      return new ChangeSet(
          stackName,
          changeSetName,
          "FAILED",
          "The submitted information didn't contain changes. Submit different information to create a change set.",
          List.of());
    }
    return new ChangeSet(stackName, changeSetName, "CREATE_COMPLETE", "", changes);
  }

  @Override
  public synchronized void executeChangeSet(String stackName, String changeSetName) {
    maybeThrottle("ExecuteChangeSet");
    calls.add("ExecuteChangeSet " + stackName);
    Stack stack = require(stackName, "ExecuteChangeSet");
    ChangeSetState state = stack.changeSets.remove(changeSetName);
    stack.previousTemplate = stack.template;
    stack.template = state.template();
    stack.tags = state.tags();
    if (state.create()) {
      start(stack, "create", "CREATE_IN_PROGRESS", "CREATE_COMPLETE");
    } else {
      start(stack, "update", "UPDATE_IN_PROGRESS", "UPDATE_COMPLETE");
    }
  }

  @Override
  public synchronized void deleteChangeSet(String stackName, String changeSetName) {
    calls.add("DeleteChangeSet " + stackName);
    require(stackName, "DeleteChangeSet").changeSets.remove(changeSetName);
  }

  @Override
  public synchronized void createStack(
      String stackName, String templateBody, Map<String, String> tags, String roleArn) {
    maybeThrottle("CreateStack");
    calls.add("CreateStack " + stackName);
    if (stacks.containsKey(stackName)) {
      throw new AwsCallException(
          AwsCallException.Kind.REJECTED,
          "CreateStack",
          "Stack [" + stackName + "] already exists");
    }
    Stack stack = newStack(stackName);
    stack.status = "CREATE_IN_PROGRESS";
    stack.template = templateBody;
    stack.tags = Map.copyOf(tags);
    start(stack, "create", "CREATE_IN_PROGRESS", "CREATE_COMPLETE");
  }

  @Override
  public synchronized boolean updateStack(
      String stackName, String templateBody, Map<String, String> tags, String roleArn) {
    maybeThrottle("UpdateStack");
    calls.add("UpdateStack " + stackName);
    Stack stack = require(stackName, "UpdateStack");
    if (diff(stack.template, templateBody).isEmpty() && stack.tags.equals(tags)) {
      return false;
    }
    stack.previousTemplate = stack.template;
    stack.template = templateBody;
    stack.tags = Map.copyOf(tags);
    start(stack, "update", "UPDATE_IN_PROGRESS", "UPDATE_COMPLETE");
    return true;
  }

  @Override
  public synchronized void deleteStack(String stackName) {
    maybeThrottle("DeleteStack");
    calls.add("DeleteStack " + stackName);
    Stack stack = stacks.get(stackName);
    if (stack == null) {
      return;
    }
    start(stack, "delete", "DELETE_IN_PROGRESS", "DELETE_COMPLETE");
  }

  /**
   * Only a stack in UPDATE_IN_PROGRESS can be cancelled; it then plays the {@code cancel} script
   * (by default: rollback in progress, then UPDATE_ROLLBACK_COMPLETE with the previous template).
   */
  @Override
  public synchronized void cancelUpdateStack(String stackName) {
    maybeThrottle("CancelUpdateStack");
    calls.add("CancelUpdateStack " + stackName);
    Stack stack = require(stackName, "CancelUpdateStack");
    if (!"UPDATE_IN_PROGRESS".equals(stack.status)) {
      throw new AwsCallException(
          AwsCallException.Kind.REJECTED,
          "CancelUpdateStack",
          "CancelUpdateStack cannot be called from current stack status " + stack.status);
    }
    start(stack, "cancel", "UPDATE_ROLLBACK_IN_PROGRESS", "UPDATE_ROLLBACK_COMPLETE");
  }

  /** Resource-level difference of two templates, as a change set would list it. */
  static List<ResourceChange> diff(String before, String after) {
    try {
      JsonNode old =
          before == null ? JSON.createObjectNode() : JSON.readTree(before).path("Resources");
      JsonNode now = JSON.readTree(after).path("Resources");
      Set<String> names = new TreeSet<>();
      old.fieldNames().forEachRemaining(names::add);
      now.fieldNames().forEachRemaining(names::add);
      List<ResourceChange> changes = new ArrayList<>();
      for (String name : names) {
        String type = (now.has(name) ? now : old).path(name).path("Type").asText();
        if (!old.has(name)) {
          changes.add(new ResourceChange("Add", name, type, ""));
        } else if (!now.has(name)) {
          changes.add(new ResourceChange("Remove", name, type, ""));
        } else if (!old.get(name).equals(now.get(name))) {
          changes.add(new ResourceChange("Modify", name, type, "False"));
        }
      }
      return changes;
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }
}
