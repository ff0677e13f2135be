package gifmachine.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gifmachine.cli.aws.ResourceChange;
import gifmachine.cli.deploy.StackDeployer.Method;
import gifmachine.cli.deploy.StackResult.Outcome;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class StackDeployerTest {

  static final String V1 =
      """
      {"Resources":{"Topic":{"Type":"AWS::SNS::Topic"},"Queue":{"Type":"AWS::SQS::Queue"}}}""";
  static final String V2 =
      """
      {"Resources":{"Topic":{"Type":"AWS::SNS::Topic","Properties":{"DisplayName":"gifs"}},"Queue":{"Type":"AWS::SQS::Queue"}}}""";
  static final Map<String, String> TAGS = Map.of("gifmachine-on-aws:deployment", "prod-acme");

  final InMemoryCloudFormation cloudFormation = new InMemoryCloudFormation();
  final FakePacer pacer = new FakePacer();
  final List<ProgressEvent> events = new CopyOnWriteArrayList<>();
  final Cancellation cancellation = new Cancellation();
  final EngineSettings settings =
      new EngineSettings(
          Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofMinutes(30), new Random(7));

  StackDeployer engine() {
    return new StackDeployer(cloudFormation, pacer, events::add, settings, cancellation);
  }

  static StackNode stack(String name, String template, String... dependsOn) {
    return new StackNode(name, List.of(dependsOn), template, TAGS);
  }

  static final List<StackNode> APP =
      List.of(
          stack("prod-acme-network", V1),
          stack("prod-acme-db", V1, "prod-acme-network"),
          stack("prod-acme-gifmachine", V1, "prod-acme-network", "prod-acme-db"));

  static List<Outcome> outcomes(List<StackResult> results) {
    return results.stream().map(StackResult::outcome).toList();
  }

  @Test
  void new_stacks_are_created_through_change_sets_each_after_the_stacks_it_depends_on() {
    List<StackResult> results = engine().deploy(APP, Method.CHANGESET);

    assertThat(outcomes(results))
        .containsExactly(Outcome.CREATED, Outcome.CREATED, Outcome.CREATED);
    assertThat(cloudFormation.indexOf("ExecuteChangeSet prod-acme-db"))
        .isGreaterThan(cloudFormation.indexOf("Settled prod-acme-network CREATE_COMPLETE"));
    assertThat(cloudFormation.indexOf("ExecuteChangeSet prod-acme-gifmachine"))
        .isGreaterThan(cloudFormation.indexOf("Settled prod-acme-db CREATE_COMPLETE"));
  }

  @Test
  void
      awaiting_changes_nothing_and_tells_a_cancelled_update_that_rolled_back_from_one_that_finished() {
    cloudFormation
        .existing("prod-acme-network", "UPDATE_IN_PROGRESS", V1, TAGS)
        .playing("prod-acme-network", "Vpc|AWS::EC2::VPC|UPDATE_IN_PROGRESS|");
    cloudFormation
        .existing("prod-acme-db", "UPDATE_COMPLETE_CLEANUP_IN_PROGRESS", V1, TAGS)
        .playing("prod-acme-db", "UPDATE_COMPLETE");
    cloudFormation.cancelUpdateStack("prod-acme-network");

    List<StackResult> results =
        engine()
            .await(
                List.of("prod-acme-network", "prod-acme-db", "prod-acme-absent"), StackProbe.NONE);

    assertThat(outcomes(results))
        .containsExactly(Outcome.ROLLED_BACK, Outcome.UPDATED, Outcome.ALREADY_ABSENT);
    assertThat(results.get(0).status()).isEqualTo("UPDATE_ROLLBACK_COMPLETE");
    assertThat(cloudFormation.calls)
        .noneMatch(c -> c.startsWith("UpdateStack") || c.startsWith("ExecuteChangeSet"));
  }

  @Test
  void only_a_stack_whose_update_is_in_progress_can_be_cancelled() {
    cloudFormation.existing("prod-acme-network", "UPDATE_COMPLETE", V1, TAGS);

    assertThatThrownBy(() -> cloudFormation.cancelUpdateStack("prod-acme-network"))
        .hasMessageContaining("cannot be called from current stack status UPDATE_COMPLETE");
  }

  @Test
  void independent_stacks_are_deployed_in_parallel() {
    // The network stack cannot finish before the registry stack has started: one at a time would
    // time out.
    cloudFormation.holdUntil(
        "prod-acme-network",
        () -> cloudFormation.calls.contains("ExecuteChangeSet prod-acme-registry"));

    List<StackResult> results =
        engine()
            .deploy(
                List.of(stack("prod-acme-network", V1), stack("prod-acme-registry", V1)),
                Method.CHANGESET);

    assertThat(outcomes(results)).containsExactly(Outcome.CREATED, Outcome.CREATED);
  }

  @Test
  void a_failed_creation_names_the_first_failed_resource_and_skips_the_stacks_that_need_it() {
    cloudFormation.script(
        "prod-acme-db",
        "create",
        "CREATE_IN_PROGRESS",
        "Db|AWS::RDS::DBInstance|CREATE_IN_PROGRESS|",
        "Secret|AWS::SecretsManager::Secret|CREATE_IN_PROGRESS|",
        "Db|AWS::RDS::DBInstance|CREATE_FAILED|DB instance class db.t9.nano is not available",
        "Secret|AWS::SecretsManager::Secret|CREATE_FAILED|Resource creation cancelled",
        "ROLLBACK_IN_PROGRESS",
        "ROLLBACK_COMPLETE");

    List<StackResult> results = engine().deploy(APP, Method.CHANGESET);

    assertThat(outcomes(results)).containsExactly(Outcome.CREATED, Outcome.FAILED, Outcome.SKIPPED);
    assertThat(results.get(1).status()).isEqualTo("ROLLBACK_COMPLETE");
    assertThat(results.get(1).failure())
        .isEqualTo(
            "Db (AWS::RDS::DBInstance) CREATE_FAILED: DB instance class db.t9.nano is not available");
    assertThat(results.get(2).failure()).contains("prod-acme-db");
    assertThat(cloudFormation.calls).doesNotContain("CreateChangeSet prod-acme-gifmachine");
  }

  @Test
  void a_stack_left_in_rollback_complete_is_deleted_and_created_again() {
    cloudFormation.existing("prod-acme-network", "ROLLBACK_COMPLETE", V1, TAGS);

    List<StackResult> results = engine().deploy(List.of(APP.get(0)), Method.CHANGESET);

    assertThat(outcomes(results)).containsExactly(Outcome.CREATED);
    assertThat(cloudFormation.indexOf("DeleteStack prod-acme-network"))
        .isLessThan(cloudFormation.indexOf("CreateChangeSet prod-acme-network"));
    assertThat(cloudFormation.status("prod-acme-network")).contains("CREATE_COMPLETE");
  }

  @Test
  void a_rolled_back_update_fails_with_its_reason_and_the_next_run_updates_again() {
    cloudFormation.existing("prod-acme-gifmachine", "CREATE_COMPLETE", V1, TAGS);
    cloudFormation.script(
        "prod-acme-gifmachine",
        "update",
        "UPDATE_IN_PROGRESS",
        "Topic|AWS::SNS::Topic|UPDATE_FAILED|Invalid parameter: DisplayName",
        "UPDATE_ROLLBACK_IN_PROGRESS",
        "UPDATE_ROLLBACK_COMPLETE");
    StackNode v2 = stack("prod-acme-gifmachine", V2);

    StackResult failed = engine().deploy(List.of(v2), Method.CHANGESET).getFirst();
    cloudFormation.clearScripts();
    StackResult retried = engine().deploy(List.of(v2), Method.CHANGESET).getFirst();

    assertThat(failed.outcome()).isEqualTo(Outcome.FAILED);
    assertThat(failed.status()).isEqualTo("UPDATE_ROLLBACK_COMPLETE");
    assertThat(failed.failure()).contains("Topic", "Invalid parameter: DisplayName");
    assertThat(retried.outcome()).isEqualTo(Outcome.UPDATED);
  }

  @Test
  void a_change_set_without_changes_is_deleted_and_nothing_is_executed() {
    cloudFormation.existing("prod-acme-network", "UPDATE_COMPLETE", V1, TAGS);

    List<StackResult> results = engine().deploy(List.of(APP.get(0)), Method.CHANGESET);

    assertThat(outcomes(results)).containsExactly(Outcome.NO_CHANGES);
    assertThat(cloudFormation.count("ExecuteChangeSet")).isZero();
    assertThat(cloudFormation.calls).contains("DeleteChangeSet prod-acme-network");
  }

  @Test
  void the_direct_method_creates_updates_and_skips_unchanged_stacks_without_change_sets() {
    cloudFormation.existing("prod-acme-db", "CREATE_COMPLETE", V1, TAGS);
    cloudFormation.existing("prod-acme-gifmachine", "CREATE_COMPLETE", V1, TAGS);

    List<StackResult> results =
        engine()
            .deploy(
                List.of(
                    stack("prod-acme-network", V1),
                    stack("prod-acme-db", V1.replace("{", " { ")),
                    stack("prod-acme-gifmachine", V2)),
                Method.DIRECT);

    assertThat(outcomes(results))
        .containsExactly(Outcome.CREATED, Outcome.NO_CHANGES, Outcome.UPDATED);
    assertThat(cloudFormation.calls)
        .contains("CreateStack prod-acme-network", "UpdateStack prod-acme-gifmachine")
        .doesNotContain("UpdateStack prod-acme-db");
    assertThat(cloudFormation.count("CreateChangeSet")).isZero();
  }

  @Test
  void throttled_calls_are_retried_after_a_pause() {
    cloudFormation.throttleNext(6);

    List<StackResult> results = engine().deploy(List.of(APP.get(0)), Method.CHANGESET);

    assertThat(outcomes(results)).containsExactly(Outcome.CREATED);
    assertThat(cloudFormation.count("Throttled")).isEqualTo(6);
  }

  @Test
  void a_stack_stuck_in_progress_times_out_with_its_last_status() {
    cloudFormation.holdUntil("prod-acme-network", () -> false);
    var start = pacer.now();

    StackResult result = engine().deploy(List.of(APP.get(0)), Method.CHANGESET).getFirst();

    assertThat(result.outcome()).isEqualTo(Outcome.TIMED_OUT);
    assertThat(result.status()).isEqualTo("CREATE_IN_PROGRESS");
    assertThat(Duration.between(start, pacer.now())).isGreaterThanOrEqualTo(Duration.ofMinutes(30));
  }

  @Test
  void ctrl_c_stops_waiting_leaves_the_stack_running_and_the_next_run_continues_from_there() {
    java.util.concurrent.atomic.AtomicBoolean released =
        new java.util.concurrent.atomic.AtomicBoolean();
    cloudFormation.holdUntil("prod-acme-network", released::get);
    cloudFormation.script(
        "prod-acme-network",
        "create",
        "CREATE_IN_PROGRESS",
        "Vpc|AWS::EC2::VPC|CREATE_IN_PROGRESS|",
        "CREATE_IN_PROGRESS",
        "Vpc|AWS::EC2::VPC|CREATE_COMPLETE|",
        "CREATE_COMPLETE");
    AtomicInteger describes = new AtomicInteger();
    cloudFormation.onDescribe(
        () -> {
          if (describes.incrementAndGet() == 5) {
            cancellation.cancel();
          }
        });

    List<StackResult> interrupted = engine().deploy(APP, Method.CHANGESET);

    assertThat(outcomes(interrupted))
        .containsExactly(Outcome.INTERRUPTED, Outcome.SKIPPED, Outcome.SKIPPED);
    assertThat(interrupted.getFirst().status()).isEqualTo("CREATE_IN_PROGRESS");
    assertThat(cloudFormation.status("prod-acme-network")).contains("CREATE_IN_PROGRESS");

    released.set(true);
    cloudFormation.onDescribe(() -> {});
    StackDeployer next =
        new StackDeployer(cloudFormation, pacer, events::add, settings, new Cancellation());
    List<StackResult> resumed = next.deploy(APP, Method.CHANGESET);

    assertThat(outcomes(resumed))
        .containsExactly(Outcome.NO_CHANGES, Outcome.CREATED, Outcome.CREATED);
    assertThat(events)
        .anySatisfy(
            e ->
                assertThat(e)
                    .isInstanceOfSatisfying(
                        ProgressEvent.StackStarted.class,
                        s -> assertThat(s.operation()).isEqualTo("wait for CREATE_IN_PROGRESS")));
  }

  @Test
  void teardown_deletes_in_reverse_dependency_order_and_running_it_twice_is_harmless() {
    engine().deploy(APP, Method.CHANGESET);

    List<StackResult> first = engine().delete(APP);
    List<StackResult> second = engine().delete(APP);

    assertThat(outcomes(first)).containsExactly(Outcome.DELETED, Outcome.DELETED, Outcome.DELETED);
    assertThat(cloudFormation.indexOf("DeleteStack prod-acme-db"))
        .isGreaterThan(cloudFormation.indexOf("Settled prod-acme-gifmachine DELETE_COMPLETE"));
    assertThat(cloudFormation.indexOf("DeleteStack prod-acme-network"))
        .isGreaterThan(cloudFormation.indexOf("Settled prod-acme-db DELETE_COMPLETE"));
    assertThat(outcomes(second)).containsOnly(Outcome.ALREADY_ABSENT);
  }

  @Test
  void a_failed_deletion_names_its_cause_and_keeps_the_stacks_it_depends_on() {
    engine().deploy(APP, Method.CHANGESET);
    cloudFormation.script(
        "prod-acme-db",
        "delete",
        "DELETE_IN_PROGRESS",
        "Snapshot|AWS::RDS::DBInstance|DELETE_FAILED|Cannot delete protected DB instance",
        "DELETE_FAILED");

    List<StackResult> results = engine().delete(APP);

    assertThat(outcomes(results)).containsExactly(Outcome.SKIPPED, Outcome.FAILED, Outcome.DELETED);
    assertThat(results.get(1).failure()).contains("Cannot delete protected DB instance");
    assertThat(cloudFormation.status("prod-acme-network")).contains("CREATE_COMPLETE");
  }

  @Test
  void plan_lists_changes_without_executing_and_leaves_no_stack_behind() {
    cloudFormation.existing("prod-acme-network", "CREATE_COMPLETE", V1, TAGS);

    List<StackPlan> plans =
        engine().plan(List.of(stack("prod-acme-network", V2), stack("prod-acme-db", V1)));

    assertThat(plans.get(0).changes())
        .containsExactly(new ResourceChange("Modify", "Topic", "AWS::SNS::Topic", "False"));
    assertThat(plans.get(1).newStack()).isTrue();
    assertThat(plans.get(1).changes()).extracting(ResourceChange::action).containsOnly("Add");
    assertThat(cloudFormation.count("ExecuteChangeSet")).isZero();
    assertThat(cloudFormation.calls).contains("DeleteStack prod-acme-db");
  }

  @Test
  void progress_is_published_per_stack_with_an_eta_and_resource_events_in_order() {
    engine().deploy(List.of(APP.get(0)), Method.CHANGESET);

    assertThat(events.getFirst())
        .isInstanceOfSatisfying(
            ProgressEvent.StackStarted.class,
            s -> {
              assertThat(s.operation()).isEqualTo("create");
              assertThat(s.eta()).isPositive();
            });
    List<String> statuses =
        events.stream()
            .filter(e -> e instanceof ProgressEvent.ResourceChanged)
            .map(e -> ((ProgressEvent.ResourceChanged) e).event().status())
            .toList();
    assertThat(statuses)
        .containsExactly(
            "CREATE_IN_PROGRESS", "CREATE_IN_PROGRESS", "CREATE_COMPLETE", "CREATE_COMPLETE");
    assertThat(events.getLast()).isInstanceOf(ProgressEvent.StackFinished.class);
  }
}
