package gifmachine.cli.aws.rules;

import com.fasterxml.jackson.databind.JsonNode;
import gifmachine.cli.aws.AccountGateway;
import gifmachine.cli.aws.Aws;
import gifmachine.cli.aws.AwsCallException;
import gifmachine.cli.aws.ChangeSet;
import gifmachine.cli.aws.CloudFormationGateway;
import gifmachine.cli.aws.LogsGateway;
import gifmachine.cli.aws.RegistryGateway;
import gifmachine.cli.aws.SecretsGateway;
import gifmachine.cli.aws.ServiceGateway;
import gifmachine.cli.aws.StackDescription;
import gifmachine.cli.aws.StackEvent;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * AWS in memory for lifecycle scenarios, where moto has no model: CloudFormation stacks built from
 * the real synthesized templates (physical ids, replacements, exports and imports), ECS services
 * with their revisions, tasks and blue/green deployments, the load balancer's listener rules and
 * target groups, and ECR images per platform. Every call goes through the rules in {@link
 * CloudFormationRules}, {@link EcsRules} and {@link ElbRules}; a broken rule fails the operation as
 * AWS would and is kept in {@link #violations()}, which a scenario asserts empty.
 *
 * <pre>{@code
 * SimulatedAws aws = new SimulatedAws("eu-west-1", pacer::now);
 * Deployment up = new Deployment(aws.gateways(), ...);
 * assertThat(aws.violations()).isEmpty();
 * assertThat(aws.trafficProblems()).isEmpty();
 * }</pre>
 */
public final class SimulatedAws {

  static final String ACCOUNT = "123456789012";

  private final String region;
  private final Supplier<Instant> clock;
  private final List<String> violations = new ArrayList<>();
  private final List<String> outages = new ArrayList<>();
  private final List<String> leavingWindows = new ArrayList<>();
  private final Map<String, Stack> stacks = new LinkedHashMap<>();
  private final Map<String, Stack> stacksById = new HashMap<>();
  private final Map<String, Set<String>> images = new LinkedHashMap<>();
  private final Map<String, Revision> revisions = new LinkedHashMap<>();
  private final Map<String, Service> services = new LinkedHashMap<>();
  private final Map<String, Rule> rules = new LinkedHashMap<>();
  private final Map<String, Set<String>> targets = new LinkedHashMap<>();
  private final List<String> snapshots = new ArrayList<>();
  private final Map<String, Secret> secrets = new LinkedHashMap<>();

  /** When each DB snapshot was taken (kept through rollbacks: a snapshot, once taken, stays). */
  private final Map<String, Instant> snapshotTimes = new HashMap<>();

  /** Public SSM parameters: AWS publishes a new NAT image under the same name. */
  private final Map<String, String> publicParameters =
      new HashMap<>(
          Map.of(
              "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-arm64",
              "ami-0a1b2c3d4e5f60001"));

  /**
   * Instance type to the zones that do NOT offer it (every zone offers every type unless named).
   */
  private final Map<String, Set<String>> notOffered = new HashMap<>();

  private final Map<String, String> subnetZones = new HashMap<>();

  /** EC2 instances by physical id: their AMI. */
  private final Map<String, String> instanceImages = new LinkedHashMap<>();

  /** DB instances by physical id: where their data came from ("empty" or the snapshot). */
  private final Map<String, String> databases = new LinkedHashMap<>();

  private int ids;
  private boolean holdNextDeployment;

  /**
   * A stack update waiting for a held ECS deployment: resolved by StopServiceDeployment or
   * CancelUpdateStack.
   */
  private Held held;

  private String failNextDeploymentAt = "";
  private String failureReason = "";

  public SimulatedAws(String region, Supplier<Instant> clock) {
    this.region = region;
    this.clock = clock;
  }

  // ---- state ---------------------------------------------------------------------------------

  private static final class Stack {
    final String name;
    final String id;
    String status = "CREATE_IN_PROGRESS";
    String reason = "";
    String template = "";
    Map<String, String> tags = Map.of();
    Map<String, String> types = new HashMap<>();
    Map<String, String> pids = new HashMap<>();
    Map<String, JsonNode> resolved = new HashMap<>();
    Map<String, JsonNode> attributes = new HashMap<>();
    Map<String, String> outputs = Map.of();
    Map<String, String> exports = Map.of();
    Set<String> imports = Set.of();
    final List<StackEvent> events = new ArrayList<>();

    Stack(String name, String id) {
      this.name = name;
      this.id = id;
    }

    Stack copy() {
      Stack c = new Stack(name, id);
      c.status = status;
      c.reason = reason;
      c.template = template;
      c.tags = tags;
      c.types = new HashMap<>(types);
      c.pids = new HashMap<>(pids);
      c.resolved = new HashMap<>(resolved);
      c.attributes = new HashMap<>(attributes);
      c.outputs = outputs;
      c.exports = exports;
      c.imports = imports;
      c.events.addAll(events);
      return c;
    }
  }

  /** A task definition revision: its images, platform and ECS status. */
  record Revision(String arn, String family, List<String> images, String platform, String status) {
    Revision with(String newStatus) {
      return new Revision(arn, family, images, platform, newStatus);
    }
  }

  private static final class Service {
    final String pid;
    String controller = "ECS";
    String strategy = "ROLLING";
    String revision = "";
    String targetGroup = "";
    String alternate = "";
    String productionRule = "";
    String testRule = "";
    String role = "";
    String liveGroup = "";
    List<String> tasks = new ArrayList<>();
    final List<ServiceGateway.ServiceDeployment> deployments = new ArrayList<>();

    Service(String pid) {
      this.pid = pid;
    }

    Service copy() {
      Service c = new Service(pid);
      c.controller = controller;
      c.strategy = strategy;
      c.revision = revision;
      c.targetGroup = targetGroup;
      c.alternate = alternate;
      c.productionRule = productionRule;
      c.testRule = testRule;
      c.role = role;
      c.liveGroup = liveGroup;
      c.tasks = new ArrayList<>(tasks);
      c.deployments.addAll(deployments);
      return c;
    }
  }

  private record Rule(
      String listener, int priority, Map<String, Integer> weights, List<String> actionTypes) {}

  private record Secret(String arn, String value, boolean scheduled) {}

  /**
   * The ECS deployment a stack update waits for, held in progress by {@link #holdNextDeployment()}.
   */
  private static final class Held extends RuntimeException {
    final String service;
    final ServiceGateway.ServiceDeployment deployment;
    String stack = "";
    Snapshot before;
    List<StackEvent> events = List.of();

    Held(String service, ServiceGateway.ServiceDeployment deployment) {
      super("held in progress", null, false, false);
      this.service = service;
      this.deployment = deployment;
    }
  }

  /** A deployment ECS rolled back as designed (a failed hook, say): not a broken rule. */
  private static final class RolledBack extends RuntimeException {
    RolledBack(String message) {
      super(message);
    }
  }

  private record Snapshot(
      Map<String, Stack> stacks,
      Map<String, Revision> revisions,
      Map<String, Service> services,
      Map<String, Rule> rules,
      Map<String, Set<String>> targets,
      List<String> snapshots,
      Map<String, String> instanceImages,
      Map<String, String> databases) {}

  private Snapshot snapshot() {
    Map<String, Stack> s = new LinkedHashMap<>();
    stacks.forEach((k, v) -> s.put(k, v.copy()));
    Map<String, Service> sv = new LinkedHashMap<>();
    services.forEach((k, v) -> sv.put(k, v.copy()));
    Map<String, Set<String>> t = new LinkedHashMap<>();
    targets.forEach((k, v) -> t.put(k, new LinkedHashSet<>(v)));
    return new Snapshot(
        s,
        new LinkedHashMap<>(revisions),
        sv,
        new LinkedHashMap<>(rules),
        t,
        new ArrayList<>(snapshots),
        new LinkedHashMap<>(instanceImages),
        new LinkedHashMap<>(databases));
  }

  private void restore(Snapshot snapshot) {
    Map<String, Revision> registered = new LinkedHashMap<>(revisions);
    stacks.clear();
    stacks.putAll(snapshot.stacks());
    stacks.values().forEach(s -> stacksById.put(s.id, s));
    revisions.clear();
    revisions.putAll(snapshot.revisions());
    // CloudFormation deletes what the failed update registered: the revision stays, INACTIVE.
    registered.forEach((arn, r) -> revisions.putIfAbsent(arn, r.with("INACTIVE")));
    services.clear();
    services.putAll(snapshot.services());
    rules.clear();
    rules.putAll(snapshot.rules());
    targets.clear();
    targets.putAll(snapshot.targets());
    snapshots.clear();
    snapshots.addAll(snapshot.snapshots());
    instanceImages.clear();
    instanceImages.putAll(snapshot.instanceImages());
    databases.clear();
    databases.putAll(snapshot.databases());
  }

  // ---- what scenarios look at and do -----------------------------------------------------------

  /** AWS publishes a newer image under the NAT instance's public SSM parameter. */
  public synchronized void publishNatImage(String imageId) {
    publicParameters.put(
        "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-6.1-arm64", imageId);
  }

  /** {@code zone} stops offering {@code instanceType} (as DescribeInstanceTypeOfferings says). */
  public synchronized void notOffered(String instanceType, String zone) {
    notOffered.computeIfAbsent(instanceType, t -> new HashSet<>()).add(zone);
  }

  private List<String> zonesOffering(String instanceType) {
    return List.of(region + "a", region + "b", region + "c").stream()
        .filter(zone -> !notOffered.getOrDefault(instanceType, Set.of()).contains(zone))
        .toList();
  }

  /** The AMI of each EC2 instance running now (the NAT instance). */
  public synchronized List<String> instanceImages() {
    return List.copyOf(instanceImages.values());
  }

  /** Where each DB instance's data came from: {@code empty} or a snapshot's name. */
  public synchronized List<String> databaseOrigins() {
    return List.copyOf(databases.values());
  }

  /**
   * The DB snapshots taken so far (final snapshots of deleted or replaced instances), oldest first.
   */
  public synchronized List<String> dbSnapshots() {
    return snapshots.stream().map(arn -> arn.substring(arn.lastIndexOf(':') + 1)).toList();
  }

  /** Every rule a call broke, in order: a scenario passes only with none. */
  public List<String> violations() {
    return List.copyOf(violations);
  }

  /**
   * Moments during stack updates when a listener rule the update replaces or removes still
   * forwarded to a group without tasks, before CloudFormation's cleanup phase deleted it.
   */
  public List<String> leavingRuleWindows() {
    return List.copyOf(leavingWindows);
  }

  /** Moments during stack updates when production traffic was not served, and why. */
  public List<String> outages() {
    return List.copyOf(outages);
  }

  /**
   * Why production traffic would not be served, per blue/green service: the production rule is
   * gone, or it sends traffic to a target group without tasks.
   */
  public List<String> trafficProblems() {
    List<String> problems = new ArrayList<>();
    Set<String> testListeners = new HashSet<>();
    Set<String> serviceGroups = new HashSet<>();
    for (Service service : services.values()) {
      if (service.productionRule.isBlank()) {
        continue;
      }
      Optional.ofNullable(rules.get(service.testRule))
          .ifPresent(r -> testListeners.add(r.listener()));
      serviceGroups.add(service.targetGroup);
      serviceGroups.add(service.alternate);
      Rule rule = rules.get(service.productionRule);
      if (rule == null) {
        problems.add(
            "production rule " + service.productionRule + " of " + service.pid + " does not exist");
      } else if (rule.weights().values().stream().noneMatch(w -> w > 0)) {
        problems.add("production rule " + service.productionRule + " forwards nothing");
      }
    }
    // Every rule clients reach (any listener but the test listener) that forwards to a service's
    // groups, including one the service does not name yet (a new HTTPS listener's rule).
    rules.forEach(
        (id, rule) -> {
          if (testListeners.contains(rule.listener())) {
            return;
          }
          rule.weights()
              .forEach(
                  (group, weight) -> {
                    if (weight > 0
                        && serviceGroups.contains(group)
                        && targets.getOrDefault(group, Set.of()).isEmpty()) {
                      problems.add(
                          "rule "
                              + id
                              + " sends "
                              + weight
                              + " to "
                              + group
                              + ", which has no targets");
                    }
                  });
        });
    return problems;
  }

  /**
   * Tasks whose images could not be pulled again now (a replacement, a scale-out, a rollback would
   * fail).
   */
  public List<String> tasksUnableToPull() {
    List<String> problems = new ArrayList<>();
    for (Service service : services.values()) {
      Revision revision = revisions.get(service.revision);
      for (String image : revision == null ? List.<String>of() : revision.images()) {
        if (!pullable(image, revision.platform())) {
          problems.add(
              service.pid + " (" + revision.arn() + "): " + image + " for " + revision.platform());
        }
      }
    }
    return problems;
  }

  /** Application Auto Scaling sets the desired count: new tasks of the current revision start. */
  public void scaleOut(int extraTasks) {
    for (Service service : services.values()) {
      if (!service.productionRule.isBlank()) {
        startTasks(service, revisions.get(service.revision), extraTasks, service.liveGroup);
      }
    }
  }

  /**
   * The next blue/green deployment fails at {@code stage} (as a FAILED hook answer does) and rolls
   * back.
   */
  public void failNextDeploymentAt(String stage, String reason) {
    this.failNextDeploymentAt = stage;
    this.failureReason = reason;
  }

  /**
   * The next blue/green deployment stops at TEST_TRAFFIC_SHIFT, IN_PROGRESS (production still on
   * blue), and the stack update that started it stays UPDATE_IN_PROGRESS, as while ECS runs the
   * hook and bake time: only StopServiceDeployment or CancelUpdateStack end it here.
   */
  public void holdNextDeployment() {
    this.holdNextDeployment = true;
  }

  /** ECR's lifecycle policy expired this image: it can no longer be pulled or described. */
  public synchronized void expire(String reference) {
    images.remove(reference);
  }

  /** Pushes an image manifest for one platform ({@code linux/arm64}); returns its reference. */
  public String push(String repositoryUri, String content, String platform) {
    String digest = sha256(content + "|" + platform);
    String reference = repositoryUri + "@sha256:" + digest;
    images.computeIfAbsent(reference, r -> new LinkedHashSet<>()).add(platform);
    return reference;
  }

  /** Image references and the platforms each has: what ECR sweeps (EcrRules) act on. */
  public Map<String, Set<String>> images() {
    return images;
  }

  /** The live weights of the production rule of the (first) blue/green service. */
  public Map<String, Integer> productionWeights() {
    return services.values().stream()
        .filter(s -> !s.productionRule.isBlank())
        .findFirst()
        .map(s -> rules.get(s.productionRule))
        .map(Rule::weights)
        .orElse(Map.of());
  }

  public Map<String, String> stackStatuses() {
    Map<String, String> out = new LinkedHashMap<>();
    stacks.values().stream()
        .filter(s -> !s.status.equals("DELETE_COMPLETE"))
        .forEach(s -> out.put(s.name, s.status));
    return out;
  }

  /** Container images of the service's current revision. */
  public List<String> runningImages() {
    return services.values().stream()
        .filter(s -> !s.productionRule.isBlank())
        .findFirst()
        .map(s -> revisions.get(s.revision).images())
        .orElse(List.of());
  }

  private boolean pullable(String image, String platform) {
    return images.getOrDefault(image, Set.of()).contains(platform);
  }

  private String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private String newPid(String stack, String logical) {
    return stack + "-" + logical + "-" + (++ids);
  }

  // ---- CloudFormation -----------------------------------------------------------------------

  private synchronized void apply(
      String name, String templateBody, Map<String, String> tags, boolean create) {
    Stack stack = stacks.get(name);
    if (create) {
      stack =
          new Stack(
              name,
              "arn:aws:cloudformation:"
                  + region
                  + ":"
                  + ACCOUNT
                  + ":stack/"
                  + name
                  + "/"
                  + (++ids));
      stacks.put(name, stack);
      stacksById.put(stack.id, stack);
    }
    Snapshot before = snapshot();
    String operation = create ? "CREATE" : "UPDATE";
    event(stack, name, "AWS::CloudFormation::Stack", operation + "_IN_PROGRESS", "User Initiated");
    try {
      build(stack, templateBody);
      stack.tags = Map.copyOf(tags);
      stack.status = operation + "_COMPLETE";
      stack.reason = "";
      event(stack, name, "AWS::CloudFormation::Stack", stack.status, "");
    } catch (Held h) {
      stack.status = operation + "_IN_PROGRESS";
      h.stack = name;
      h.before = before;
      h.events = new ArrayList<>(stack.events);
      held = h;
    } catch (RuleViolation | RolledBack e) {
      if (e instanceof RuleViolation) {
        violations.add(name + ": " + e.getMessage());
      }
      List<StackEvent> events = new ArrayList<>(stack.events);
      restore(before);
      Stack rolled = create ? stack : stacks.get(name);
      if (create) {
        stacks.put(name, rolled);
      }
      rolled.events.clear();
      rolled.events.addAll(events);
      event(
          rolled,
          "Resource",
          "AWS::CloudFormation::Resource",
          operation + "_FAILED",
          e.getMessage());
      rolled.status = create ? "ROLLBACK_COMPLETE" : "UPDATE_ROLLBACK_COMPLETE";
      rolled.reason = e.getMessage();
      event(rolled, name, "AWS::CloudFormation::Stack", rolled.status, e.getMessage());
    }
  }

  private void event(Stack stack, String logical, String type, String status, String reason) {
    stack.events.add(
        new StackEvent("e" + (++ids), stack.name, logical, type, status, reason, clock.get()));
  }

  private Map<String, String> allExports(String except) {
    Map<String, String> all = new HashMap<>();
    stacks.values().stream()
        .filter(s -> !s.name.equals(except) && !s.status.equals("DELETE_COMPLETE"))
        .forEach(s -> all.putAll(s.exports));
    return all;
  }

  private Map<String, Set<String>> importers() {
    Map<String, Set<String>> users = new HashMap<>();
    stacks.values().stream()
        .filter(s -> !s.status.equals("DELETE_COMPLETE"))
        .forEach(
            s ->
                s.imports.forEach(i -> users.computeIfAbsent(i, k -> new HashSet<>()).add(s.name)));
    return users;
  }

  private static final List<String> ORDER =
      List.of(
          "AWS::EC2::Subnet",
          "AWS::ElasticLoadBalancingV2::TargetGroup",
          "AWS::ElasticLoadBalancingV2::LoadBalancer",
          "AWS::ElasticLoadBalancingV2::Listener",
          "AWS::ElasticLoadBalancingV2::ListenerRule",
          "AWS::ECS::TaskDefinition",
          "AWS::ECS::Service");

  private static int rank(String type) {
    int i = ORDER.indexOf(type);
    return i < 0 ? ORDER.size() : i;
  }

  private void build(Stack stack, String templateBody) {
    JsonNode template = Templates.parse(templateBody);
    JsonNode resources = template.path("Resources");
    Map<String, String> exports = allExports(stack.name);
    Map<String, String> types = new HashMap<>();
    resources
        .fields()
        .forEachRemaining(e -> types.put(e.getKey(), e.getValue().path("Type").asText()));
    Map<String, String> pids = new HashMap<>();
    types.forEach(
        (logical, type) ->
            pids.put(
                logical,
                type.equals(stack.types.get(logical))
                    ? stack.pids.get(logical)
                    : newPid(stack.name, logical)));

    Set<String> imports = Templates.imports(template, n -> resolve(n, stack, pids, exports));
    CloudFormationRules.importsNameExistingExports(stack.name, imports, exports.keySet());

    // Replacements change physical ids, which changes what refers to them: repeat until stable.
    Map<String, JsonNode> resolved = new HashMap<>();
    boolean again = true;
    while (again) {
      again = false;
      for (String logical : types.keySet()) {
        JsonNode props = resolve(resources.path(logical).path("Properties"), stack, pids, exports);
        resolved.put(logical, props);
        JsonNode old = stack.resolved.get(logical);
        if (old != null
            && pids.get(logical).equals(stack.pids.get(logical))
            && Templates.replaces(types.get(logical), changed(old, props))) {
          pids.put(logical, newPid(stack.name, logical));
          again = true;
        }
      }
    }

    Map<String, String> outputs = new LinkedHashMap<>();
    Map<String, String> newExports = new LinkedHashMap<>();
    template
        .path("Outputs")
        .fields()
        .forEachRemaining(
            e -> {
              String value = resolve(e.getValue().path("Value"), stack, pids, exports).asText();
              outputs.put(e.getKey(), value);
              if (e.getValue().has("Export")) {
                newExports.put(
                    resolve(e.getValue().path("Export").path("Name"), stack, pids, exports)
                        .asText(),
                    value);
              }
            });
    Map<String, String> exporters = new HashMap<>();
    stacks.values().stream()
        .filter(s -> !s.name.equals(stack.name) && !s.status.equals("DELETE_COMPLETE"))
        .forEach(s -> s.exports.keySet().forEach(n -> exporters.put(n, s.name)));
    CloudFormationRules.exportNamesAreUniqueInTheRegion(stack.name, newExports.keySet(), exporters);
    CloudFormationRules.exportsInUseAreNeitherChangedNorRemoved(
        stack.name, stack.exports, newExports, importers());

    List<String> order = new ArrayList<>(types.keySet());
    order.sort(
        java.util.Comparator.comparingInt((String l) -> rank(types.get(l))).thenComparing(l -> l));
    Set<String> leavingRules = new HashSet<>();
    stack.pids.forEach(
        (logical, pid) -> {
          if (!pid.equals(pids.get(logical))
              && "AWS::ElasticLoadBalancingV2::ListenerRule".equals(stack.types.get(logical))) {
            leavingRules.add(pid);
          }
        });
    for (String logical : order) {
      String pid = pids.get(logical);
      JsonNode old = stack.resolved.get(logical);
      boolean created = !pid.equals(stack.pids.get(logical));
      Set<String> changes = old == null ? Set.of() : changed(old, resolved.get(logical));
      if (created) {
        createResource(types.get(logical), pid, resolved.get(logical), resources.path(logical));
        event(stack, logical, types.get(logical), "CREATE_COMPLETE", "");
      } else if (!changes.isEmpty()) {
        updateResource(types.get(logical), pid, resolved.get(logical), changes);
        event(stack, logical, types.get(logical), "UPDATE_COMPLETE", "");
      }
      // Traffic must be served at every moment of the update, not only once it is done. A rule
      // this update removes still forwards until the cleanup phase deletes it: kept apart.
      for (String problem : trafficProblems()) {
        boolean leaving =
            leavingRules.stream().anyMatch(r -> problem.startsWith("rule " + r + " "));
        (leaving ? leavingWindows : outages).add(stack.name + " after " + logical + ": " + problem);
      }
    }
    // Cleanup: what the new template no longer has, and what was replaced.
    for (Map.Entry<String, String> old : stack.pids.entrySet()) {
      if (!old.getValue().equals(pids.get(old.getKey()))) {
        deleteResource(
            stack.types.get(old.getKey()), old.getValue(), stack.attributes.get(old.getKey()));
      }
    }
    Map<String, JsonNode> attributes = new HashMap<>();
    resources.fields().forEachRemaining(e -> attributes.put(e.getKey(), e.getValue()));
    stack.template = templateBody;
    stack.types = types;
    stack.pids = pids;
    stack.resolved = resolved;
    stack.attributes = attributes;
    stack.outputs = outputs;
    stack.exports = newExports;
    stack.imports = imports;
  }

  private static Set<String> changed(JsonNode old, JsonNode now) {
    Set<String> keys = new HashSet<>();
    old.fieldNames().forEachRemaining(keys::add);
    now.fieldNames().forEachRemaining(keys::add);
    keys.removeIf(k -> old.path(k).equals(now.path(k)));
    return keys;
  }

  private JsonNode resolve(
      JsonNode node, Stack stack, Map<String, String> pids, Map<String, String> exports) {
    return Templates.resolve(
        node,
        ref ->
            switch (ref) {
              case "AWS::Region" -> region;
              case "AWS::AccountId" -> ACCOUNT;
              case "AWS::Partition" -> "aws";
              case "AWS::URLSuffix" -> "amazonaws.com";
              case "AWS::StackName" -> stack.name;
              case "AWS::NoValue" -> "";
              default -> pids.getOrDefault(ref, "unresolved-" + ref);
            },
        (logical, attribute) -> {
          String pid = pids.getOrDefault(logical, "unresolved-" + logical);
          return switch (attribute) {
            case "RepositoryUri" -> ACCOUNT + ".dkr.ecr." + region + ".amazonaws.com/" + pid;
            case "DNSName" -> pid + ".elb." + region + ".amazonaws.com";
            default ->
                attribute.endsWith("Arn") || attribute.equals("Name") ? pid : pid + "." + attribute;
          };
        },
        name -> {
          String value = exports.get(name);
          if (value == null) {
            throw new RuleViolation(
                "UpdateStack",
                "importsNameExistingExports",
                "No export named " + name + " found",
                CloudFormationRules.IMPORT_VALUE);
          }
          return value;
        });
  }

  // ---- resources --------------------------------------------------------------------------

  private void createResource(String type, String pid, JsonNode props, JsonNode resource) {
    switch (type) {
      case "AWS::ElasticLoadBalancingV2::TargetGroup" -> targets.put(pid, new LinkedHashSet<>());
      case "AWS::ElasticLoadBalancingV2::ListenerRule" -> putRule(pid, props, true);
      case "AWS::ECS::TaskDefinition" -> register(pid, props);
      case "AWS::ECS::Service" -> createService(pid, props);
      case "AWS::EC2::Subnet" -> subnetZones.put(pid, props.path("AvailabilityZone").asText());
      case "AWS::EC2::Instance" -> {
        String instanceType = props.path("InstanceType").asText();
        String zone =
            subnetZones.getOrDefault(
                props.path("SubnetId").asText(), props.path("AvailabilityZone").asText());
        Ec2Rules.instanceTypeIsOfferedInItsZone(instanceType, zone, zonesOffering(instanceType));
        instanceImages.put(pid, props.path("ImageId").asText());
      }
      case "AWS::RDS::DBInstance" ->
          databases.put(pid, restoredFrom(props.path("DBSnapshotIdentifier").asText("")));
      default -> {}
    }
  }

  /** A restore names an existing snapshot: RDS answers DBSnapshotNotFound otherwise. */
  private String restoredFrom(String snapshot) {
    if (snapshot.isEmpty()) {
      return "empty";
    }
    String name = snapshot.substring(snapshot.lastIndexOf(':') + 1);
    if (!dbSnapshots().contains(name)) {
      throw new RolledBack("DBSnapshotNotFound: " + snapshot);
    }
    return name;
  }

  private void updateResource(String type, String pid, JsonNode props, Set<String> changes) {
    switch (type) {
      // CloudFormation's ModifyRule writes the template's actions, whatever ECS set since.
      case "AWS::ElasticLoadBalancingV2::ListenerRule" -> putRule(pid, props, false);
      case "AWS::ECS::Service" -> updateService(services.get(pid), props, changes);
      default -> {}
    }
  }

  private void deleteResource(String type, String pid, JsonNode resource) {
    switch (type == null ? "" : type) {
      case "AWS::ElasticLoadBalancingV2::TargetGroup" -> targets.remove(pid);
      case "AWS::ElasticLoadBalancingV2::ListenerRule" -> rules.remove(pid);
      // CloudFormation deregisters the revision it replaced or deleted.
      case "AWS::ECS::TaskDefinition" ->
          revisions.computeIfPresent(revisionArn(pid), (k, r) -> r.with("INACTIVE"));
      case "AWS::ECS::Service" -> {
        Service gone = services.remove(pid);
        if (gone != null) {
          targets.values().forEach(t -> t.removeAll(gone.tasks));
        }
      }
      case "AWS::RDS::DBInstance" -> {
        databases.remove(pid);
        if (resource != null && "Snapshot".equals(resource.path("DeletionPolicy").asText())) {
          String arn = "arn:aws:rds:" + region + ":" + ACCOUNT + ":snapshot:" + pid + "-final";
          snapshots.add(arn);
          snapshotTimes.put(arn, clock.get());
        }
      }
      case "AWS::EC2::Instance" -> instanceImages.remove(pid);
      default -> {}
    }
  }

  private void putRule(String pid, JsonNode props, boolean create) {
    JsonNode actions = props.path("Actions");
    Map<String, Integer> weights = new LinkedHashMap<>();
    List<String> actionTypes = new ArrayList<>();
    for (JsonNode action : actions) {
      actionTypes.add(action.path("Type").asText());
      if (action.path("ForwardConfig").path("TargetGroups").isArray()) {
        action
            .path("ForwardConfig")
            .path("TargetGroups")
            .forEach(
                t -> weights.put(t.path("TargetGroupArn").asText(), t.path("Weight").asInt(1)));
      } else if (action.has("TargetGroupArn")) {
        weights.put(action.path("TargetGroupArn").asText(), 1);
      }
    }
    ElbRules.weightsAreFrom0To999(weights);
    // Only a forward action names target groups; a fixed-response rule (InternalEndpoints'
    // 404 for /metrics) or a redirect has none.
    if (actionTypes.contains("forward")) {
      ElbRules.aForwardActionNamesOneToFiveTargetGroups(weights);
    }
    String listener = props.path("ListenerArn").asText();
    int priority = props.path("Priority").asInt();
    Map<Integer, String> byPriority = new HashMap<>();
    rules.forEach(
        (id, r) -> {
          if (r.listener().equals(listener)) {
            byPriority.put(r.priority(), id);
          }
        });
    ElbRules.prioritiesAreUniquePerListener(listener, priority, byPriority, pid);
    rules.put(pid, new Rule(listener, priority, weights, actionTypes));
  }

  private String revisionArn(String pid) {
    return revisions.values().stream()
        .filter(r -> r.arn().endsWith("#" + pid))
        .map(Revision::arn)
        .findFirst()
        .orElse("");
  }

  private void register(String pid, JsonNode props) {
    String family = props.path("Family").asText();
    long n = revisions.values().stream().filter(r -> r.family().equals(family)).count() + 1;
    List<String> containerImages = new ArrayList<>();
    props.path("ContainerDefinitions").forEach(c -> containerImages.add(c.path("Image").asText()));
    String platform =
        props.path("RuntimePlatform").path("CpuArchitecture").asText("X86_64").equals("ARM64")
            ? "linux/arm64"
            : "linux/amd64";
    // The revision's ARN carries the CloudFormation physical id after '#' only inside this model.
    String arn =
        "arn:aws:ecs:"
            + region
            + ":"
            + ACCOUNT
            + ":task-definition/"
            + family
            + ":"
            + n
            + "#"
            + pid;
    revisions.put(arn, new Revision(arn, family, containerImages, platform, "ACTIVE"));
  }

  private void createService(String pid, JsonNode props) {
    Service service = new Service(pid);
    configure(service, props);
    Revision revision = revisions.get(revisionArn(props.path("TaskDefinition").asText()));
    service.revision = revision.arn();
    service.liveGroup = service.targetGroup;
    services.put(pid, service);
    startTasks(service, revision, props.path("DesiredCount").asInt(1), service.targetGroup);
    service.deployments.add(
        new ServiceGateway.ServiceDeployment(
            "arn:aws:ecs:" + region + ":" + ACCOUNT + ":service-deployment/" + pid + "/" + (++ids),
            clock.get(),
            "SUCCESSFUL",
            "",
            ""));
  }

  private void configure(Service service, JsonNode props) {
    service.controller = props.path("DeploymentController").path("Type").asText("ECS");
    service.strategy = props.path("DeploymentConfiguration").path("Strategy").asText("ROLLING");
    JsonNode lb = props.path("LoadBalancers").path(0);
    service.targetGroup = lb.path("TargetGroupArn").asText("");
    JsonNode advanced = lb.path("AdvancedConfiguration");
    service.alternate = advanced.path("AlternateTargetGroupArn").asText("");
    service.productionRule = advanced.path("ProductionListenerRule").asText("");
    service.testRule = advanced.path("TestListenerRule").asText("");
    service.role = advanced.path("RoleArn").asText("");
    if (!service.targetGroup.isBlank()) {
      EcsRules.blueGreenNamesAlternateGroupRuleAndRole(
          service.strategy, service.alternate, service.productionRule, service.role);
    }
  }

  private void startTasks(Service service, Revision revision, int count, String group) {
    for (int i = 0; i < count; i++) {
      EcsRules.everyImageOfATaskIsPullable(
          revision.arn(), revision.platform(), revision.images(), this::pullable);
      String task = "task-" + (++ids);
      service.tasks.add(task);
      if (!group.isBlank()) {
        targets.computeIfAbsent(group, g -> new LinkedHashSet<>()).add(task);
      }
    }
  }

  private static final Set<String> NEW_DEPLOYMENT =
      Set.of(
          "TaskDefinition",
          "LoadBalancers",
          "NetworkConfiguration",
          "PlatformVersion",
          "ServiceConnectConfiguration",
          "VolumeConfigurations");

  private void updateService(Service service, JsonNode props, Set<String> changes) {
    EcsRules.updateServiceSendsOnlyWhatTheControllerAccepts(service.controller, changes);
    configure(service, props);
    if (changes.stream().noneMatch(NEW_DEPLOYMENT::contains)) {
      int desired = props.path("DesiredCount").asInt(service.tasks.size());
      if (desired > service.tasks.size()) {
        startTasks(
            service,
            revisions.get(service.revision),
            desired - service.tasks.size(),
            service.liveGroup);
      }
      return;
    }
    Revision next = revisions.get(revisionArn(props.path("TaskDefinition").asText()));
    int count = Math.max(1, service.tasks.size());
    String deployment =
        "arn:aws:ecs:"
            + region
            + ":"
            + ACCOUNT
            + ":service-deployment/"
            + service.pid
            + "/"
            + (++ids);
    Instant at = clock.get();
    if (service.productionRule.isBlank()) {
      Service trial = service.copy();
      trial.tasks = new ArrayList<>();
      startTasks(trial, next, count, "");
      service.tasks = trial.tasks;
      service.revision = next.arn();
      service.deployments.add(
          new ServiceGateway.ServiceDeployment(deployment, at, "SUCCESSFUL", "", ""));
      return;
    }
    Rule production = rules.get(service.productionRule);
    Rule test = rules.get(service.testRule);
    if (production == null) {
      throw new RuleViolation(
          "CreateServiceDeployment",
          "productionListenerRuleExists",
          "Listener rule " + service.productionRule + " not found",
          EcsRules.BLUE_GREEN_RESOURCES);
    }
    EcsRules.blueGreenListenerRulesOnlyForward(service.productionRule, production.actionTypes());
    EcsRules.bothGroupsAreInTheListenerRules(
        service.targetGroup,
        service.alternate,
        production.weights().keySet(),
        test == null ? Set.of() : test.weights().keySet());
    String green =
        service.liveGroup.equals(service.targetGroup) ? service.alternate : service.targetGroup;
    Service trial = service.copy();
    trial.tasks = new ArrayList<>();
    startTasks(trial, next, count, "");
    if (holdNextDeployment) {
      holdNextDeployment = false;
      throw new Held(
          service.pid,
          new ServiceGateway.ServiceDeployment(
              deployment, at, "IN_PROGRESS", "TEST_TRAFFIC_SHIFT", ""));
    }
    if (!failNextDeploymentAt.isBlank()) {
      String stage = failNextDeploymentAt;
      String reason = failureReason;
      failNextDeploymentAt = "";
      service.deployments.add(
          new ServiceGateway.ServiceDeployment(
              deployment, at, "ROLLBACK_SUCCESSFUL", stage, reason));
      throw new RolledBack(
          "ECS deployment " + deployment + " rolled back at " + stage + ": " + reason);
    }
    // Production moves to green; blue's tasks stop after the bake time.
    targets.computeIfAbsent(green, g -> new LinkedHashSet<>()).addAll(trial.tasks);
    Map<String, Integer> weights = new LinkedHashMap<>();
    production
        .weights()
        .keySet()
        .forEach(group -> weights.put(group, group.equals(green) ? 100 : 0));
    ElbRules.weightsAreFrom0To999(weights);
    rules.put(
        service.productionRule,
        new Rule(production.listener(), production.priority(), weights, production.actionTypes()));
    if (test != null) {
      rules.put(
          service.testRule,
          new Rule(test.listener(), test.priority(), weights, test.actionTypes()));
    }
    targets.getOrDefault(service.liveGroup, new LinkedHashSet<>()).removeAll(service.tasks);
    service.tasks = trial.tasks;
    service.liveGroup = green;
    service.revision = next.arn();
    service.deployments.add(
        new ServiceGateway.ServiceDeployment(deployment, at, "SUCCESSFUL", "BAKE_TIME", ""));
  }

  /**
   * Ends the held deployment by rolling it back: ECS returns the service to the revision it started
   * from (blue kept production throughout), CloudFormation's service update fails with it and the
   * stack rolls back to its previous template (what the update registered is left INACTIVE).
   */
  private void rollBackHeld(String why) {
    Held h = held;
    held = null;
    restore(h.before);
    Stack rolled = stacks.get(h.stack);
    rolled.events.clear();
    rolled.events.addAll(h.events);
    Optional.ofNullable(services.get(h.service))
        .ifPresent(
            s ->
                s.deployments.add(
                    new ServiceGateway.ServiceDeployment(
                        h.deployment.arn(),
                        h.deployment.createdAt(),
                        "ROLLBACK_SUCCESSFUL",
                        h.deployment.lifecycleStage(),
                        why)));
    event(rolled, "Resource", "AWS::ECS::Service", "UPDATE_FAILED", why);
    rolled.status = "UPDATE_ROLLBACK_COMPLETE";
    rolled.reason = why;
    event(rolled, h.stack, "AWS::CloudFormation::Stack", rolled.status, why);
  }

  private synchronized void delete(String name) {
    Stack stack = stacks.get(name);
    if (stack == null || stack.status.equals("DELETE_COMPLETE")) {
      return;
    }
    event(stack, name, "AWS::CloudFormation::Stack", "DELETE_IN_PROGRESS", "User Initiated");
    try {
      CloudFormationRules.noStackIsDeletedWhileItsExportsAreImported(
          name, stack.exports.keySet(), importers());
    } catch (RuleViolation e) {
      violations.add(name + ": " + e.getMessage());
      stack.status = "DELETE_FAILED";
      stack.reason = e.getMessage();
      event(stack, name, "AWS::CloudFormation::Stack", "DELETE_FAILED", e.getMessage());
      return;
    }
    List<String> order = new ArrayList<>(stack.pids.keySet());
    order.sort(java.util.Comparator.comparingInt((String l) -> -rank(stack.types.get(l))));
    for (String logical : order) {
      deleteResource(
          stack.types.get(logical), stack.pids.get(logical), stack.attributes.get(logical));
    }
    stack.status = "DELETE_COMPLETE";
    stack.exports = Map.of();
    stack.imports = Set.of();
    event(stack, name, "AWS::CloudFormation::Stack", "DELETE_COMPLETE", "");
    stacks.remove(name);
  }

  private synchronized Optional<Stack> find(String nameOrId) {
    Stack stack = stacks.get(nameOrId);
    return Optional.ofNullable(stack != null ? stack : stacksById.get(nameOrId));
  }

  /**
   * The ID this model gives CloudFront's origin-facing managed prefix list (any well-formed pl-
   * ID).
   */
  static final String ORIGIN_FACING_PREFIX_LIST = "pl-4fa04526";

  // ---- the gateways --------------------------------------------------------------------------

  /**
   * The CLI's gateways on this model (CloudFormation direct create/update only: no change sets).
   * The model is one region: the us-east-1 CloudFormation gateway (the CloudFront web ACL's stack)
   * is the same stack store, stack names being unique per deployment anyway.
   */
  public Aws gateways() {
    CloudFormation cloudFormation = new CloudFormation();
    return new Aws(
        cloudFormation,
        new Account(),
        new Secrets(),
        new Registry(),
        new Buckets(),
        new Services(),
        new Logs(),
        (key, value) -> tagged(),
        new Databases(),
        cloudFormation,
        gifmachine.cli.aws.PipelineGateway.unavailable(),
        () -> {});
  }

  /**
   * S3 as far as the CLI uses it: objects by bucket and key (the validation hook's jar, the release
   * history).
   */
  private final Map<String, java.util.TreeMap<String, byte[]>> objects = new HashMap<>();

  private final class Buckets implements gifmachine.cli.aws.BucketGateway {
    @Override
    public boolean putIfAbsent(String bucket, String key, byte[] bytes) {
      synchronized (SimulatedAws.this) {
        return objects
                .computeIfAbsent(bucket, b -> new java.util.TreeMap<>())
                .putIfAbsent(key, bytes.clone())
            == null;
      }
    }

    @Override
    public void put(String bucket, String key, byte[] bytes) {
      synchronized (SimulatedAws.this) {
        objects.computeIfAbsent(bucket, b -> new java.util.TreeMap<>()).put(key, bytes.clone());
      }
    }

    /** S3 lists keys in UTF-8 binary order: a TreeMap of ASCII keys is that order. */
    @Override
    public List<String> keys(String bucket, String prefix) {
      synchronized (SimulatedAws.this) {
        return objects.getOrDefault(bucket, new java.util.TreeMap<>()).keySet().stream()
            .filter(k -> k.startsWith(prefix))
            .toList();
      }
    }

    @Override
    public Optional<byte[]> get(String bucket, String key) {
      synchronized (SimulatedAws.this) {
        return Optional.ofNullable(objects.getOrDefault(bucket, new java.util.TreeMap<>()).get(key))
            .map(byte[]::clone);
      }
    }

    @Override
    public int empty(String bucket) {
      synchronized (SimulatedAws.this) {
        Map<String, byte[]> keys = objects.remove(bucket);
        return keys == null ? 0 : keys.size();
      }
    }
  }

  private synchronized List<String> tagged() {
    List<String> arns = new ArrayList<>();
    revisions.values().stream()
        .filter(r -> !r.status().equals("DELETE_IN_PROGRESS"))
        .forEach(r -> arns.add(r.arn().substring(0, r.arn().indexOf('#'))));
    arns.addAll(snapshots);
    secrets.values().forEach(s -> arns.add(s.arn()));
    return arns;
  }

  private final class CloudFormation implements CloudFormationGateway {
    @Override
    public Optional<StackDescription> describe(String stackName) {
      return find(stackName)
          .map(s -> new StackDescription(s.name, s.id, s.status, s.reason, s.outputs, s.tags));
    }

    @Override
    public List<StackEvent> events(String stackName) {
      synchronized (SimulatedAws.this) {
        return find(stackName).map(s -> new ArrayList<>(s.events).reversed()).orElse(List.of());
      }
    }

    @Override
    public Optional<String> template(String stackName) {
      return find(stackName).filter(s -> !s.status.equals("DELETE_COMPLETE")).map(s -> s.template);
    }

    @Override
    public void createChangeSet(
        String stackName,
        String changeSetName,
        String templateBody,
        Map<String, String> tags,
        boolean newStack,
        String roleArn) {
      throw new UnsupportedOperationException(
          "the simulated CloudFormation deploys with --method direct");
    }

    @Override
    public ChangeSet describeChangeSet(String stackName, String changeSetName) {
      throw new UnsupportedOperationException("no change sets");
    }

    @Override
    public void executeChangeSet(String stackName, String changeSetName) {
      throw new UnsupportedOperationException("no change sets");
    }

    @Override
    public void deleteChangeSet(String stackName, String changeSetName) {
      throw new UnsupportedOperationException("no change sets");
    }

    @Override
    public void createStack(
        String stackName, String templateBody, Map<String, String> tags, String roleArn) {
      if (stacks.containsKey(stackName)) {
        throw new AwsCallException(
            AwsCallException.Kind.REJECTED,
            "CreateStack",
            "Stack [" + stackName + "] already exists");
      }
      apply(stackName, templateBody, tags, true);
    }

    @Override
    public boolean updateStack(
        String stackName, String templateBody, Map<String, String> tags, String roleArn) {
      Stack stack =
          find(stackName)
              .orElseThrow(
                  () ->
                      new AwsCallException(
                          AwsCallException.Kind.NOT_FOUND,
                          "UpdateStack",
                          "Stack " + stackName + " does not exist"));
      if (Templates.parse(stack.template).equals(Templates.parse(templateBody))
          && stack.tags.equals(tags)) {
        return false;
      }
      apply(stackName, templateBody, tags, false);
      return true;
    }

    @Override
    public void deleteStack(String stackName) {
      delete(stackName);
    }

    @Override
    public void cancelUpdateStack(String stackName) {
      synchronized (SimulatedAws.this) {
        Stack stack =
            find(stackName)
                .orElseThrow(
                    () ->
                        new AwsCallException(
                            AwsCallException.Kind.NOT_FOUND,
                            "CancelUpdateStack",
                            "Stack " + stackName + " does not exist"));
        try {
          CloudFormationRules.onlyUpdatesInProgressAreCancelled(stackName, stack.status);
        } catch (RuleViolation e) {
          violations.add(stackName + ": " + e.getMessage());
          throw e.asAwsError();
        }
        // Only a held update is ever in progress here (updates are otherwise synchronous).
        rollBackHeld("Resource update cancelled");
      }
    }
  }

  private final class Account implements AccountGateway {
    /** Service-linked roles the account has; a second create reports it exists (as IAM does). */
    private final Set<String> linkedRoles = new HashSet<>();

    @Override
    public boolean createServiceLinkedRole(String service) {
      synchronized (SimulatedAws.this) {
        return linkedRoles.add(service);
      }
    }

    @Override
    public Identity identity() {
      return new Identity(ACCOUNT, "arn:aws:iam::" + ACCOUNT + ":user/operator");
    }

    @Override
    public List<String> regions() {
      return List.of(region);
    }

    @Override
    public List<String> availabilityZones() {
      return List.of(region + "a", region + "b", region + "c");
    }

    @Override
    public List<String> zonesOffering(String instanceType) {
      synchronized (SimulatedAws.this) {
        return SimulatedAws.this.zonesOffering(instanceType);
      }
    }

    @Override
    public Optional<String> publicParameter(String name) {
      synchronized (SimulatedAws.this) {
        return Optional.ofNullable(publicParameters.get(name));
      }
    }

    /**
     * AWS manages CloudFront's origin-facing list in every commercial region; nothing else exists
     * here.
     */
    @Override
    public Optional<String> managedPrefixListId(String name) {
      return name.equals("com.amazonaws.global.cloudfront.origin-facing")
          ? Optional.of(ORIGIN_FACING_PREFIX_LIST)
          : Optional.empty();
    }
  }

  /**
   * RDS snapshots: every snapshot in this model is the deployment's (the instance copies its tags).
   */
  private final class Databases implements gifmachine.cli.aws.DatabaseGateway {
    @Override
    public List<gifmachine.cli.aws.DatabaseGateway.Snapshot> snapshotsTagged(
        String tagKey, String tagValue) {
      synchronized (SimulatedAws.this) {
        List<gifmachine.cli.aws.DatabaseGateway.Snapshot> found =
            new ArrayList<>(snapshots.stream().map(this::describe).toList());
        found.sort(
            java.util.Comparator.comparing(gifmachine.cli.aws.DatabaseGateway.Snapshot::created)
                .reversed());
        return found;
      }
    }

    @Override
    public Optional<gifmachine.cli.aws.DatabaseGateway.Snapshot> snapshot(String identifier) {
      synchronized (SimulatedAws.this) {
        String name = identifier.substring(identifier.lastIndexOf(':') + 1);
        return snapshots.stream()
            .filter(arn -> arn.endsWith(":" + name))
            .findFirst()
            .map(this::describe);
      }
    }

    private gifmachine.cli.aws.DatabaseGateway.Snapshot describe(String arn) {
      return new gifmachine.cli.aws.DatabaseGateway.Snapshot(
          arn.substring(arn.lastIndexOf(':') + 1),
          arn,
          snapshotTimes.getOrDefault(arn, Instant.EPOCH),
          "available");
    }
  }

  private final class Secrets implements SecretsGateway {
    @Override
    public Optional<SecretInfo> describe(String name) {
      synchronized (SimulatedAws.this) {
        return Optional.ofNullable(secrets.get(name))
            .map(s -> new SecretInfo(s.arn(), s.scheduled()));
      }
    }

    @Override
    public String create(String name, String value, Map<String, String> tags) {
      synchronized (SimulatedAws.this) {
        String arn =
            "arn:aws:secretsmanager:" + region + ":" + ACCOUNT + ":secret:" + name + "-AbCdEf";
        secrets.put(name, new Secret(arn, value, false));
        return arn;
      }
    }

    @Override
    public void restore(String name) {
      synchronized (SimulatedAws.this) {
        secrets.computeIfPresent(name, (k, s) -> new Secret(s.arn(), s.value(), false));
      }
    }

    @Override
    public String value(String name) {
      synchronized (SimulatedAws.this) {
        return secrets.get(name).value();
      }
    }

    @Override
    public void delete(String name, boolean immediately) {
      synchronized (SimulatedAws.this) {
        if (immediately) {
          secrets.remove(name);
        } else {
          secrets.computeIfPresent(name, (k, s) -> new Secret(s.arn(), s.value(), true));
        }
      }
    }
  }

  private final class Registry implements RegistryGateway {
    @Override
    public Login login() {
      return new Login(
          "AWS", "token", "https://" + ACCOUNT + ".dkr.ecr." + region + ".amazonaws.com");
    }

    @Override
    public boolean imageExists(String repositoryName, String digest) {
      synchronized (SimulatedAws.this) {
        return images.keySet().stream()
            .anyMatch(
                ref -> ref.substring(ref.indexOf('/') + 1).equals(repositoryName + "@" + digest));
      }
    }

    @Override
    public int deleteAllImages(String repositoryName) {
      synchronized (SimulatedAws.this) {
        List<String> gone =
            images.keySet().stream()
                .filter(ref -> ref.substring(ref.indexOf('/') + 1).startsWith(repositoryName + "@"))
                .toList();
        gone.forEach(images::remove);
        return gone.size();
      }
    }
  }

  private final class Services implements ServiceGateway {
    @Override
    public Optional<ServiceInfo> describeService(String cluster, String service) {
      synchronized (SimulatedAws.this) {
        return Optional.ofNullable(services.get(service))
            .map(
                s ->
                    new ServiceInfo(
                        s.pid,
                        "ACTIVE",
                        s.tasks.size(),
                        s.tasks.size(),
                        0,
                        s.revision.substring(0, s.revision.indexOf('#')),
                        1,
                        s.controller));
      }
    }

    @Override
    public Map<String, String> containerImages(String taskDefinitionArn) {
      synchronized (SimulatedAws.this) {
        Revision revision =
            revisions.values().stream()
                .filter(r -> r.arn().startsWith(taskDefinitionArn + "#"))
                .findFirst()
                .orElseThrow();
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < revision.images().size(); i++) {
          out.put("container" + i, revision.images().get(i));
        }
        return out;
      }
    }

    @Override
    public List<TargetHealth> targetHealth(String targetGroupArn) {
      synchronized (SimulatedAws.this) {
        return targets.getOrDefault(targetGroupArn, Set.of()).stream()
            .map(t -> new TargetHealth(t, "healthy"))
            .toList();
      }
    }

    @Override
    public Map<String, Integer> ruleWeights(String listenerRuleArn) {
      synchronized (SimulatedAws.this) {
        Rule rule = rules.get(listenerRuleArn);
        if (rule == null) {
          throw new AwsCallException(
              AwsCallException.Kind.NOT_FOUND, "DescribeRules", "One or more rules not found");
        }
        return Map.copyOf(rule.weights());
      }
    }

    @Override
    public List<ServiceDeployment> serviceDeployments(
        String cluster, String service, Instant since) {
      synchronized (SimulatedAws.this) {
        return Optional.ofNullable(services.get(service))
            .map(s -> s.deployments.stream().filter(d -> !d.createdAt().isBefore(since)).toList())
            .orElse(List.of());
      }
    }

    @Override
    public List<ServiceDeployment> ongoingServiceDeployments(String cluster, String service) {
      synchronized (SimulatedAws.this) {
        List<ServiceDeployment> ongoing = new ArrayList<>();
        if (held != null && held.service.equals(service)) {
          ongoing.add(held.deployment);
        }
        return ongoing;
      }
    }

    @Override
    public void rollBackServiceDeployment(String serviceDeploymentArn) {
      synchronized (SimulatedAws.this) {
        String status =
            held != null && held.deployment.arn().equals(serviceDeploymentArn)
                ? held.deployment.status()
                : services.values().stream()
                    .flatMap(s -> s.deployments.stream())
                    .filter(d -> d.arn().equals(serviceDeploymentArn))
                    .map(ServiceDeployment::status)
                    .reduce((a, b) -> b)
                    .orElseThrow(
                        () ->
                            new AwsCallException(
                                AwsCallException.Kind.NOT_FOUND,
                                "StopServiceDeployment",
                                "Service deployment " + serviceDeploymentArn + " not found"));
        try {
          EcsRules.onlyOngoingDeploymentsAreStopped(serviceDeploymentArn, status);
        } catch (RuleViolation e) {
          violations.add("StopServiceDeployment: " + e.getMessage());
          throw e.asAwsError();
        }
        rollBackHeld("Service deployment rolled back: stopped by StopServiceDeployment (ROLLBACK)");
      }
    }

    @Override
    public List<String> taskDefinitions(String family, boolean active) {
      synchronized (SimulatedAws.this) {
        return revisions.values().stream()
            .filter(r -> r.family().equals(family))
            .filter(r -> r.status().equals(active ? "ACTIVE" : "INACTIVE"))
            .map(r -> r.arn().substring(0, r.arn().indexOf('#')))
            .toList();
      }
    }

    @Override
    public void deregisterTaskDefinition(String arn) {
      synchronized (SimulatedAws.this) {
        revisions.replaceAll((k, r) -> k.startsWith(arn + "#") ? r.with("INACTIVE") : r);
      }
    }

    @Override
    public Map<String, String> deleteTaskDefinitions(List<String> arns) {
      synchronized (SimulatedAws.this) {
        // The gateway sends DeleteTaskDefinitions in batches of ten, as SdkServiceGateway does;
        // each call is held to the rule.
        for (int i = 0; i < arns.size(); i += 10) {
          try {
            EcsRules.atMostTenRevisionsPerDelete(
                arns.subList(i, Math.min(arns.size(), i + 10)).size());
          } catch (RuleViolation e) {
            violations.add("DeleteTaskDefinitions: " + e.getMessage());
            throw e.asAwsError();
          }
        }
        Map<String, String> refused = new LinkedHashMap<>();
        for (String arn : arns) {
          Optional<Map.Entry<String, Revision>> found =
              revisions.entrySet().stream()
                  .filter(e -> e.getKey().startsWith(arn + "#"))
                  .findFirst();
          if (found.isEmpty()) {
            refused.put(arn, "MISSING");
          } else if (EcsRules.onlyInactiveRevisionsAreDeleted(found.get().getValue().status())
              .isPresent()) {
            refused.put(
                arn,
                EcsRules.onlyInactiveRevisionsAreDeleted(found.get().getValue().status()).get());
          } else {
            revisions.put(found.get().getKey(), found.get().getValue().with("DELETE_IN_PROGRESS"));
          }
        }
        return refused;
      }
    }
  }

  private static final class Logs implements LogsGateway {
    @Override
    public Page filter(String logGroup, Instant since, String filterPattern, String nextToken) {
      return new Page(List.of(), Optional.empty());
    }

    @Override
    public List<String> logGroups(String prefix) {
      return List.of();
    }

    @Override
    public void deleteLogGroup(String name) {}
  }
}
