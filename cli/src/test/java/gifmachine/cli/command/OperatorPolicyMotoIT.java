package gifmachine.cli.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gifmachine.cli.iam.RecordedAwsCalls;
import gifmachine.cli.testing.MotoServer;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.iam.model.IamException;

/**
 * The deployer run as an IAM user holding nothing but {@code iam-policy}'s output, with moto's IAM
 * enforcement on: the cycle ({@code up} → {@code status} → {@code up} → {@code plan} → {@code logs}
 * → {@code down}) passes, and without any one statement it stops at that statement's first call
 * with exit 3 and a message naming the denied action.
 *
 * <p>To stay within the CI budget, the second part is one more cycle: before each command, every
 * statement whose first call falls in that command (as the first cycle recorded) is removed in turn
 * and the command run until it is denied; then the command runs with the whole policy, so the next
 * command starts where the cycle would. Statements are removed in the order of their first call, so
 * each denied run has done no more than the next one redoes. moto checks actions and resource ARNs
 * (with our corrections in {@code moto/sitecustomize.py}), not conditions.
 */
class OperatorPolicyMotoIT {

  /** The calls {@link Users#create} makes before moto starts checking. */
  static final int SETUP_CALLS = 7;

  @RegisterExtension
  static final MotoServer MOTO =
      new MotoServer(Map.of("INITIAL_NO_AUTH_ACTION_COUNT", String.valueOf(SETUP_CALLS)));

  static final String ACCOUNT = "123456789012";

  /** The cycle: each command, and the exit it ends with under the whole policy. */
  record Step(List<String> args, int exit) {
    String name() {
      return String.join(" ", args);
    }
  }

  static final List<Step> CYCLE =
      List.of(
          new Step(List.of("up", "--yes"), 0),
          new Step(List.of("status", "--output", "json"), 0),
          new Step(List.of("up", "--yes"), 0),
          new Step(List.of("plan"), 0),
          new Step(List.of("logs", "--since", "1h"), 0),
          // moto leaves the network stack's EC2 resources behind; down lists them and exits 1.
          new Step(List.of("down", "--yes", "--force"), 1));

  /** The first call a statement's actions get in the cycle. */
  record FirstCall(String sid, int step, int position, String action) {}

  @TempDir Path dir;

  final ObjectMapper json = new ObjectMapper();

  MotoDeployment deployment;

  /** JUnit runs this once, after all of the factory's tests. */
  @AfterEach
  void close() throws Exception {
    if (deployment != null) {
      deployment.close();
    }
  }

  @TestFactory
  Stream<DynamicTest> the_cycle_needs_every_statement_of_iam_policy_and_nothing_more(
      MotoServer.Endpoint moto) throws Exception {
    deployment = MotoDeployment.start(dir, moto.url());
    ObjectNode policy = (ObjectNode) json.readTree(iamPolicy(deployment));
    Map<String, FirstCall> firstCalls = new LinkedHashMap<>();
    // JUnit runs dynamic tests as it draws them from the stream, so the second part's tests
    // are made only once the first cycle has recorded which statement each command needs.
    List<Supplier<Stream<DynamicTest>>> parts =
        List.of(
            () ->
                Stream.of(
                    DynamicTest.dynamicTest(
                        "the whole policy runs the cycle",
                        () -> firstCalls.putAll(wholeCycle(moto, deployment, policy)))),
            () -> withoutEachStatement(moto, deployment, policy, firstCalls));
    return parts.stream().flatMap(Supplier::get);
  }

  /** Runs the cycle with the whole policy; returns each statement's first call. */
  Map<String, FirstCall> wholeCycle(
      MotoServer.Endpoint moto, MotoDeployment deployment, ObjectNode policy) throws Exception {
    Users users = Users.create(moto, policy);
    Map<String, String> statementOf = statementOfEachAction(policy);
    Map<String, FirstCall> firstCalls = new LinkedHashMap<>();
    List<CliRunner.Result> results = new ArrayList<>();
    for (int i = 0; i < CYCLE.size(); i++) {
      Step step = CYCLE.get(i);
      RecordedAwsCalls.clear();
      CliRunner.Result result =
          users.asOperator(() -> deployment.run(step.args().get(0), rest(step)));
      results.add(result);
      assertThat(result.exitCode()).as(step.name() + "\n" + result).isEqualTo(step.exit());
      List<String> calls = RecordedAwsCalls.sequence();
      for (int position = 0; position < calls.size(); position++) {
        String action = calls.get(position);
        String sid = statementOf.get(action);
        if (sid != null && !firstCalls.containsKey(sid)) {
          firstCalls.put(sid, new FirstCall(sid, i, position, action));
        }
      }
    }
    assertThat(results.get(0).out()).contains("Smoke test: passed");
    CliRunner.Result down = results.get(results.size() - 1);
    assertThat(MotoDeployment.leftovers(down.out()))
        .as(down.toString())
        .isNotEmpty()
        .allSatisfy(arn -> assertThat(arn).startsWith("arn:aws:ec2:"));
    return firstCalls;
  }

  Stream<DynamicTest> withoutEachStatement(
      MotoServer.Endpoint moto,
      MotoDeployment deployment,
      ObjectNode policy,
      Map<String, FirstCall> firstCalls) {
    List<DynamicTest> tests = new ArrayList<>();
    List<String> sids = new ArrayList<>();
    policy.path("Statement").forEach(s -> sids.add(s.path("Sid").asText()));
    tests.add(
        DynamicTest.dynamicTest(
            "every statement is called in the cycle, but those it cannot reach",
            () ->
                assertThat(sids)
                    .as("first calls " + firstCalls.values())
                    .containsExactlyInAnyOrderElementsOf(
                        new java.util.TreeSet<>(
                            concat(firstCalls.keySet(), NOT_IN_THE_CYCLE.keySet())))));
    Users[] users = new Users[1];
    tests.add(
        DynamicTest.dynamicTest(
            "(a fresh moto)",
            () -> {
              moto.reset();
              moto.authenticateAfter(SETUP_CALLS);
              users[0] = Users.create(moto, policy);
            }));
    for (int i = 0; i < CYCLE.size(); i++) {
      Step step = CYCLE.get(i);
      int index = i;
      firstCalls.values().stream()
          .filter(c -> c.step() == index)
          .filter(c -> !NOT_IN_THE_CYCLE.containsKey(c.sid()))
          .sorted(java.util.Comparator.comparingInt(FirstCall::position))
          .forEach(
              call ->
                  tests.add(
                      DynamicTest.dynamicTest(
                          "without "
                              + call.sid()
                              + ", "
                              + step.name()
                              + " is denied "
                              + call.action()
                              + " and exits 3",
                          () -> {
                            users[0].replacePolicy(without(policy, call.sid()));
                            CliRunner.Result denied;
                            try {
                              denied =
                                  users[0].asOperator(
                                      () -> deployment.run(step.args().get(0), rest(step)));
                            } finally {
                              users[0].replacePolicy(policy);
                            }
                            if (REPORTED_BY_STATUS.contains(call.sid())) {
                              // status reads what it can and says what it could not, exit 0
                              assertThat(denied.exitCode()).as(denied.toString()).isZero();
                              assertThat(actionsOf(policy, call.sid()))
                                  .as(denied.toString())
                                  .anySatisfy(
                                      action ->
                                          assertThat(denied.out() + denied.err())
                                              .contains("access denied to " + action));
                              return;
                            }
                            assertThat(denied.exitCode()).as(denied.toString()).isEqualTo(3);
                            assertThat(actionsOf(policy, call.sid()))
                                .as(denied.toString())
                                .anySatisfy(
                                    action ->
                                        assertThat(denied.err())
                                            .contains(
                                                "access denied to " + action, "allow " + action));
                          })));
      tests.add(
          DynamicTest.dynamicTest(
              "with the whole policy, " + step.name() + " exits " + step.exit(),
              () -> {
                CliRunner.Result result =
                    users[0].asOperator(() -> deployment.run(step.args().get(0), rest(step)));
                assertThat(result.exitCode())
                    .as(step.name() + "\n" + result)
                    .isEqualTo(step.exit());
              }));
    }
    return tests.stream();
  }

  /**
   * Statements the moto cycle cannot show necessary, each for its reason: moto cannot create the
   * pipeline (MotoTemplates drops it), so status reads a placeholder, is denied or not, and shows a
   * failed pipeline read as a problem with exit 0, by design; no build runs in moto.
   */
  static final Map<String, String> NOT_IN_THE_CYCLE =
      Map.of(
          "Pipeline",
              "the pipeline is a dropped placeholder in moto; status tolerates a failed read",
          "Build", "moto runs no build",
          "StopDeployment",
              "moto has no ECS service deployments to stop; rollback's StopServiceDeployment runs"
                  + " on the rules model (DayTwoScenarioIT)");

  /**
   * Statements first needed by status, which by design reports a read it was denied and carries on
   * (exit 0): without them, status must name the denied action instead of exiting 3.
   */
  static final java.util.Set<String> REPORTED_BY_STATUS = java.util.Set.of("DatabaseSnapshots");

  String iamPolicy(MotoDeployment deployment) {
    CliRunner.Result result =
        deployment.cli.run(
            "iam-policy",
            "-e",
            "test",
            "-c",
            "acme",
            "--region",
            "us-east-1",
            "--account",
            ACCOUNT);
    assertThat(result.exitCode()).as(result.toString()).isZero();
    return result.out();
  }

  static String[] rest(Step step) {
    return step.args().subList(1, step.args().size()).toArray(String[]::new);
  }

  static Map<String, String> statementOfEachAction(JsonNode policy) {
    Map<String, String> statementOf = new LinkedHashMap<>();
    for (JsonNode statement : policy.path("Statement")) {
      for (String action : actionsOf(statement)) {
        statementOf.put(action, statement.path("Sid").asText());
      }
    }
    return statementOf;
  }

  static List<String> actionsOf(JsonNode policy, String sid) {
    for (JsonNode statement : policy.path("Statement")) {
      if (statement.path("Sid").asText().equals(sid)) {
        return actionsOf(statement);
      }
    }
    throw new AssertionError("no statement " + sid);
  }

  static List<String> actionsOf(JsonNode statement) {
    List<String> actions = new ArrayList<>();
    JsonNode action = statement.path("Action");
    if (action.isArray()) {
      action.forEach(a -> actions.add(a.asText()));
    } else {
      actions.add(action.asText());
    }
    return actions;
  }

  static ObjectNode without(ObjectNode policy, String sid) {
    ObjectNode copy = policy.deepCopy();
    ArrayNode statements = (ArrayNode) copy.path("Statement");
    for (int i = statements.size() - 1; i >= 0; i--) {
      if (statements.get(i).path("Sid").asText().equals(sid)) {
        statements.remove(i);
      }
    }
    return copy;
  }

  static List<String> concat(java.util.Collection<String> a, java.util.Collection<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  /**
   * Two IAM users in moto, made in its first {@link #SETUP_CALLS} calls (before enforcement): the
   * operator, holding one managed policy, and an administrator who may do anything, to change that
   * policy between commands.
   */
  static final class Users {
    static final String ADMINISTRATOR =
        """
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}""";

    final IamClient administrator;
    final AccessKey operator;
    final String policyArn;
    String version = "v1";

    private Users(IamClient administrator, AccessKey operator, String policyArn) {
      this.administrator = administrator;
      this.operator = operator;
      this.policyArn = policyArn;
    }

    static Users create(MotoServer.Endpoint moto, JsonNode policy) {
      try (IamClient setup = client(moto, "testing", "testing")) {
        setup.createUser(r -> r.userName("operator"));
        String arn =
            setup
                .createPolicy(r -> r.policyName("operator").policyDocument(policy.toString()))
                .policy()
                .arn();
        setup.attachUserPolicy(r -> r.userName("operator").policyArn(arn));
        AccessKey operator = setup.createAccessKey(r -> r.userName("operator")).accessKey();
        setup.createUser(r -> r.userName("administrator"));
        setup.putUserPolicy(
            r ->
                r.userName("administrator").policyName("everything").policyDocument(ADMINISTRATOR));
        AccessKey administrator =
            setup.createAccessKey(r -> r.userName("administrator")).accessKey();
        // From here on moto checks every call: the setup credentials belong to no user.
        assertThatThrownBy(setup::listUsers)
            .isInstanceOf(IamException.class)
            .satisfies(
                e ->
                    assertThat(((IamException) e).awsErrorDetails().errorCode())
                        .isEqualTo("InvalidClientTokenId"));
        return new Users(
            client(moto, administrator.accessKeyId(), administrator.secretAccessKey()),
            operator,
            arn);
      }
    }

    static IamClient client(MotoServer.Endpoint moto, String key, String secret) {
      return IamClient.builder()
          .region(Region.AWS_GLOBAL)
          .endpointOverride(URI.create(moto.url()))
          .credentialsProvider(
              StaticCredentialsProvider.create(AwsBasicCredentials.create(key, secret)))
          .build();
    }

    /** Makes {@code policy} the operator's (a new default version; IAM keeps at most five). */
    void replacePolicy(JsonNode policy) {
      String previous = version;
      version =
          administrator
              .createPolicyVersion(
                  r -> r.policyArn(policyArn).policyDocument(policy.toString()).setAsDefault(true))
              .policyVersion()
              .versionId();
      administrator.deletePolicyVersion(r -> r.policyArn(policyArn).versionId(previous));
    }

    /**
     * Runs {@code command} with the operator's credentials (the SDK's default chain reads them).
     */
    CliRunner.Result asOperator(Supplier<CliRunner.Result> command) {
      System.setProperty("aws.accessKeyId", operator.accessKeyId());
      System.setProperty("aws.secretAccessKey", operator.secretAccessKey());
      try {
        return command.get();
      } finally {
        MotoServer.CREDENTIALS.forEach(System::setProperty);
      }
    }
  }
}
