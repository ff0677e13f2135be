package gifmachine.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gifmachine.cli.aws.Aws;
import gifmachine.cli.aws.rules.SimulatedAws;
import gifmachine.infra.DeploymentConfig;
import gifmachine.infra.Edge;
import gifmachine.infra.ImageName;
import gifmachine.infra.ImageSet;
import gifmachine.infra.Infrastructure;
import gifmachine.infra.Rollout;
import gifmachine.infra.StackPart;
import gifmachine.infra.SynthesizedApp;
import gifmachine.infra.SynthesizedStack;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Day two, as histories: the real deployer ({@link Deployment}, {@link Teardown}, the real
 * synthesized templates) against {@link SimulatedAws}, which enforces AWS's documented rules for
 * what moto does not model (ECS blue/green deployments, listener rules ECS moves, exports in use,
 * pulling images per platform). After every step: no call broke a rule, production traffic reaches
 * tasks, and every running task could pull its images again.
 */
class DayTwoScenarioIT {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, SynthesizedApp> SYNTHESIZED = new ConcurrentHashMap<>();

  private final FakePacer pacer = new FakePacer();
  private final SimulatedAws aws = new SimulatedAws("eu-west-1", pacer::now);
  private final List<ProgressEvent> progress = new CopyOnWriteArrayList<>();

  /** Source version of each image: a new version is a new build, a new digest. */
  private final Map<String, Integer> versions =
      new ConcurrentHashMap<>(
          Map.of("gifmachine", 1, "csidecar", 1, "cdepot", 1, "prometheus", 1, "grafana", 1));

  private final List<String> pushes = new CopyOnWriteArrayList<>();

  /** Extra environment of the Gifmachine container: stands for a release that changes it. */
  private String extraEnvironment = "";

  /** Registry's ECR lifecycle sweeps (EcrRules) plug in here; until then nothing expires. */
  private final Consumer<Duration> ecrLifecycleSweeps = days -> {};

  private Function<DeploymentConfig, SynthesizedApp> synthesis = this::synthesize;
  private DeploymentConfig config =
      DeploymentConfig.builder("prod", "dundermiff", "eu-west-1").images(placeholder()).build();

  @Test
  void a_deployment_lives_through_two_months_of_changes_and_goes_away_leaving_only_the_snapshot() {
    up();
    assertLive(Rollout.TargetGroup.BLUE);
    int pushed = pushes.size();

    Deployment.Result again = up();
    assertThat(again.changed()).as("up with nothing changed").isFalse();
    assertThat(pushes).as("no image pushed again").hasSize(pushed);

    newVersionOf("gifmachine");
    up();
    assertLive(Rollout.TargetGroup.GREEN);

    newVersionOf("csidecar");
    String sidecarBefore = runningImage("csidecar");
    up();
    assertLive(Rollout.TargetGroup.BLUE);
    assertThat(runningImage("csidecar")).isNotEqualTo(sidecarBefore);

    extraEnvironment = "GIFMACHINE_GREETING";
    up();
    assertLive(Rollout.TargetGroup.GREEN);

    ecrLifecycleSweeps.accept(Duration.ofDays(40));
    aws.scaleOut(3);
    assertConsistent();

    config = with(b -> b.monitoring(false));
    up();
    assertThat(aws.stackStatuses()).doesNotContainKey("prod-dundermiff-monitoring");
    assertLive(Rollout.TargetGroup.BLUE);
    config = with(b -> b.monitoring(true));
    up();
    assertThat(aws.stackStatuses()).containsKey("prod-dundermiff-monitoring");
    assertLive(Rollout.TargetGroup.GREEN);

    config = with(b -> b.pipeline(false));
    up();
    assertThat(aws.stackStatuses()).doesNotContainKey("prod-dundermiff-pipeline");
    config = with(b -> b.pipeline(true));
    up();
    assertThat(aws.stackStatuses()).containsKey("prod-dundermiff-pipeline");

    // Five switches so far: production is on green, and the HTTPS listener's new rule must say so.
    assertLive(Rollout.TargetGroup.GREEN);
    // A regional certificate belongs on the load balancer: the ALB edge (CloudFront takes us-east-1
    // ones).
    config =
        with(
            b ->
                b.edge(Edge.ALB)
                    .certificateArn("arn:aws:acm:eu-west-1:123456789012:certificate/abc-123"));
    up();
    assertLive(Rollout.TargetGroup.BLUE);
    // Known window, documented in docs/deployer.md: the HTTPS listener's rule is new, so ECS
    // deploys once more; port 80's old rule forwards to the drained group until the cleanup
    // phase deletes it a moment later. HTTPS traffic is served throughout.
    assertThat(aws.leavingRuleWindows())
        .isNotEmpty()
        .allSatisfy(w -> assertThat(w).contains("BlueGreenProductionRule"));

    config = with(b -> b.graviton(false));
    up();
    assertThat(aws.runningImages()).isNotEmpty();
    assertLive(Rollout.TargetGroup.GREEN);

    config = with(b -> b.waf(true).natGateway(true).minTasks(2).maxTasks(6));
    up();
    config = with(b -> b.waf(false).natGateway(false).certificateArn(""));
    up();
    assertLive(Rollout.TargetGroup.BLUE);

    int good = versions.get("gifmachine");
    String goodImage = runningImage("gifmachine");
    newVersionOf("gifmachine");
    aws.failNextDeploymentAt("POST_TEST_TRAFFIC_SHIFT", "validation hook answered FAILED");
    assertThatThrownBy(this::up)
        .isInstanceOfSatisfying(
            DeploymentException.class,
            e ->
                assertThat(e.getMessage())
                    .contains(
                        "prod-dundermiff-gifmachine", "rolled back at POST_TEST_TRAFFIC_SHIFT"));
    assertThat(aws.stackStatuses())
        .containsEntry("prod-dundermiff-gifmachine", "UPDATE_ROLLBACK_COMPLETE");
    assertThat(runningImage("gifmachine")).isEqualTo(goodImage);
    assertLive(Rollout.TargetGroup.BLUE);

    versions.put("gifmachine", good - 1);
    up();
    assertThat(runningImage("gifmachine")).isNotEqualTo(goodImage);
    assertLive(Rollout.TargetGroup.GREEN);
    assertThat(progress)
        .anyMatch(
            e ->
                e instanceof ProgressEvent.Step s && s.description().startsWith("ECS deployment "));

    // Rollback to the previous revision: the release before the one running (the failed one
    // never became a release), its digests deployed as up deploys.
    assertThat(rollback())
        .isInstanceOfSatisfying(
            Rollback.Redeployed.class,
            r -> assertThat(r.to().images().get(ImageName.GIFMACHINE)).isEqualTo(goodImage));
    assertConsistent();
    assertThat(runningImage("gifmachine")).isEqualTo(goodImage);
    assertLive(Rollout.TargetGroup.BLUE);

    Teardown.Report down =
        new Teardown(aws.gateways(), engine(), progress::add, pacer)
            .down(config, synthesize(config).stacks().stream().map(StackNode::of).toList(), true);
    assertThat(down.stacks())
        .allSatisfy(s -> assertThat(s.outcome().isFailure()).as(s.toString()).isFalse());
    assertThat(aws.stackStatuses()).isEmpty();
    assertThat(down.taskDefinitionsDeleted()).isGreaterThan(10);
    assertThat(down.snapshots()).hasSize(1);
    assertThat(down.leftovers()).isEmpty();
    assertThat(aws.violations()).isEmpty();
    assertThat(aws.outages()).isEmpty();
  }

  @Test
  void
      a_template_that_keeps_production_on_blue_would_send_traffic_to_an_empty_group_after_one_switch() {
    up();
    newVersionOf("gifmachine");
    up();
    assertLive(Rollout.TargetGroup.GREEN);

    // The defect this design removes: synthesis that ignores which group is live.
    synthesis = c -> synthesize(Configs_withLive(c, Rollout.TargetGroup.BLUE));
    // A regional certificate belongs on the load balancer: the ALB edge (CloudFront takes us-east-1
    // ones).
    config =
        with(
            b ->
                b.edge(Edge.ALB)
                    .certificateArn("arn:aws:acm:eu-west-1:123456789012:certificate/abc-123"));
    up(false);

    assertThat(aws.outages())
        .isNotEmpty()
        .allSatisfy(o -> assertThat(o).contains("which has no targets"));
  }

  @Test
  void switching_monitoring_off_in_the_wrong_order_breaks_the_export_rule() {
    up();
    // The defect this design removes: the producer updated while its importer still stands.
    Aws gateways = aws.gateways();
    SynthesizedApp withoutMonitoring =
        synthesize(Configs.withImages(with(b -> b.monitoring(false)), currentImages()));
    StackNode gifmachine =
        StackNode.of(withoutMonitoring.stack(StackPart.GIFMACHINE).orElseThrow());
    engine().deploy(List.of(gifmachine), StackDeployer.Method.DIRECT);

    assertThat(aws.violations())
        .singleElement()
        .asString()
        .contains("exportsInUseAreNeitherChangedNorRemoved");
    assertThat(gateways.cloudFormation().describe(gifmachine.stackName()).orElseThrow().status())
        .isEqualTo("UPDATE_ROLLBACK_COMPLETE");
  }

  @Test
  void
      rollback_with_nothing_in_progress_goes_back_to_the_previous_digests_and_not_further_than_the_first() {
    up();
    String first = runningImage("gifmachine");
    newVersionOf("gifmachine");
    up();
    String second = runningImage("gifmachine");
    int pushed = pushes.size();

    Rollback.Outcome back = rollback();

    assertThat(back)
        .isInstanceOfSatisfying(
            Rollback.Redeployed.class,
            r -> {
              assertThat(r.to().images().get(ImageName.GIFMACHINE)).isEqualTo(first);
              assertThat(r.from().get(ImageName.GIFMACHINE)).isEqualTo(second);
              assertThat(r.result().changed()).isTrue();
            });
    assertThat(runningImage("gifmachine")).isEqualTo(first);
    assertLive(Rollout.TargetGroup.BLUE);
    assertConsistent();
    assertThat(pushes).as("nothing built or pushed").hasSize(pushed);
    assertThatThrownBy(this::rollback)
        .isInstanceOfSatisfying(
            DeploymentException.class,
            e -> {
              assertThat(e.getMessage()).contains("no previous release to go back to");
              assertThat(e.exit()).isEqualTo(DeploymentException.Exit.FAILED);
            });
  }

  @Test
  void rollback_during_a_deployment_stops_it_and_the_old_revision_keeps_serving() {
    up();
    String serving = runningImage("gifmachine");
    newVersionOf("gifmachine");
    aws.holdNextDeployment();
    // The operator's up stops waiting (the 60-minute stack timeout) while ECS's deployment runs on.
    assertThatThrownBy(() -> up(false)).isInstanceOf(DeploymentException.class);
    assertThat(aws.stackStatuses())
        .containsEntry("prod-dundermiff-gifmachine", "UPDATE_IN_PROGRESS");

    Rollback.Outcome outcome = rollback();

    assertThat(outcome)
        .isInstanceOfSatisfying(
            Rollback.Stopped.class,
            stopped -> {
              assertThat(stopped.actions())
                  .anySatisfy(
                      a ->
                          assertThat(a)
                              .contains("IN_PROGRESS, TEST_TRAFFIC_SHIFT", "rollback requested"));
              assertThat(stopped.stacks())
                  .singleElement()
                  .satisfies(
                      r -> assertThat(r.outcome()).isEqualTo(StackResult.Outcome.ROLLED_BACK));
              assertThat(stopped.serving().values()).contains(serving);
            });
    assertThat(aws.stackStatuses())
        .containsEntry("prod-dundermiff-gifmachine", "UPDATE_ROLLBACK_COMPLETE");
    assertThat(runningImage("gifmachine")).isEqualTo(serving);
    assertLive(Rollout.TargetGroup.BLUE);
    assertThat(aws.violations()).isEmpty();
    assertThat(aws.trafficProblems()).isEmpty();
    assertThat(aws.outages()).isEmpty();

    up();
    assertThat(runningImage("gifmachine")).isNotEqualTo(serving);
    assertLive(Rollout.TargetGroup.GREEN);
  }

  @Test
  void rollback_refuses_when_the_previous_release_images_have_expired() {
    up();
    String first = runningImage("gifmachine");
    newVersionOf("gifmachine");
    up();
    String second = runningImage("gifmachine");
    aws.expire(first);

    assertThatThrownBy(this::rollback)
        .isInstanceOfSatisfying(
            DeploymentException.class,
            e -> {
              assertThat(e.getMessage())
                  .contains(
                      "the previous release",
                      "cannot be deployed: ECR no longer has",
                      first.substring(first.indexOf('/') + 1),
                      "keeps the newest " + gifmachine.infra.RegistryStack.KEPT_IMAGES);
              assertThat(e.hint())
                  .contains("check out that release's sources", "run gifmachine-on-aws up");
            });
    assertThat(runningImage("gifmachine")).isEqualTo(second);
    assertConsistent();
  }

  @Test
  void rollback_with_no_previous_release_refuses_and_changes_nothing() {
    up();
    String serving = runningImage("gifmachine");

    assertThatThrownBy(this::rollback)
        .isInstanceOfSatisfying(
            DeploymentException.class,
            e -> {
              assertThat(e.getMessage())
                  .contains("no previous release to go back to", "holds 1 release(s)");
              assertThat(e.hint()).contains("run gifmachine-on-aws up");
            });
    assertThat(runningImage("gifmachine")).isEqualTo(serving);
    assertConsistent();
  }

  @Test
  void
      the_network_takes_the_zones_offering_the_nat_instance_type_and_keeps_its_nat_image_until_asked() {
    aws.notOffered("t4g.nano", "eu-west-1a");
    up();
    assertThat(networkOutput("AvailabilityZones")).isEqualTo("eu-west-1b,eu-west-1c");
    assertThat(aws.instanceImages()).containsExactly("ami-0a1b2c3d4e5f60001");

    aws.publishNatImage("ami-0a1b2c3d4e5f60002");
    assertThat(up().changed()).as("a new AMI published: nothing changes").isFalse();
    assertThat(aws.instanceImages()).containsExactly("ami-0a1b2c3d4e5f60001");

    up(true, new KeptChoices.Requests(true, question -> false));
    assertThat(aws.instanceImages()).containsExactly("ami-0a1b2c3d4e5f60002");
    assertThat(up().changed()).as("the refreshed AMI is kept in turn").isFalse();
    assertThat(networkOutput("AvailabilityZones")).isEqualTo("eu-west-1b,eu-west-1c");
  }

  @Test
  void
      a_network_on_the_regions_first_two_zones_fails_where_the_first_lacks_the_nat_instance_type() {
    aws.notOffered("t4g.nano", "eu-west-1a");
    // The defect this design removes: zones left to Fn::GetAZs, whatever they offer.
    synthesis = c -> synthesize(c.toBuilder().availabilityZones(List.of()).build());
    assertThatThrownBy(() -> up(false)).isInstanceOf(DeploymentException.class);
    assertThat(aws.violations()).anyMatch(v -> v.contains("instanceTypeIsOfferedInItsZone"));
  }

  @Test
  void
      a_region_where_fewer_than_two_zones_offer_the_nat_instance_type_is_refused_before_anything_is_created() {
    aws.notOffered("t4g.nano", "eu-west-1a");
    aws.notOffered("t4g.nano", "eu-west-1b");
    assertThatThrownBy(this::up)
        .isInstanceOfSatisfying(
            DeploymentException.class,
            e -> {
              assertThat(e.getMessage())
                  .contains(
                      "region eu-west-1: 1 of its 3 zones offer the NAT instance type t4g.nano");
              assertThat(e.hint()).contains("--nat-gateway");
            });
    assertThat(aws.stackStatuses()).isEmpty();
  }

  @Test
  void
      a_database_comes_back_from_the_final_snapshot_and_a_live_one_is_replaced_only_when_confirmed() {
    up();
    down();
    String finalSnapshot = aws.dbSnapshots().getFirst();

    up();
    assertThat(aws.databaseOrigins()).containsExactly("empty");
    config = with(b -> b.restoreSnapshot(finalSnapshot));
    List<String> asked = new ArrayList<>();
    assertThatThrownBy(
            () ->
                up(true, new KeptChoices.Requests(false, question -> asked.add(question) && false)))
        .isInstanceOfSatisfying(
            DeploymentException.class,
            e -> {
              assertThat(e.exit()).isEqualTo(DeploymentException.Exit.CONFLICT);
              assertThat(e.hint()).contains("--replace-database");
            });
    assertThat(asked)
        .singleElement()
        .asString()
        .contains("is live", "replaces it", "final snapshot");
    assertThat(aws.databaseOrigins()).as("not replaced").containsExactly("empty");

    up(true, new KeptChoices.Requests(false, question -> true));
    assertThat(aws.databaseOrigins()).containsExactly(finalSnapshot);
    assertThat(aws.dbSnapshots()).as("the replaced database's final snapshot").hasSize(2);

    // Later ups name the snapshot again: CloudFormation would otherwise replace the database
    // with an empty one. (This up still changes the listener rule's weights to the group the
    // restore's ECS deployment made live.)
    config = with(b -> b.restoreSnapshot(""));
    up();
    assertThat(aws.databaseOrigins()).containsExactly(finalSnapshot);
    assertThat(aws.dbSnapshots()).hasSize(2);
  }

  @Test
  void restoring_a_snapshot_that_does_not_exist_is_refused_before_anything_is_created() {
    config = with(b -> b.restoreSnapshot("no-such-snapshot"));
    assertThatThrownBy(this::up)
        .isInstanceOfSatisfying(
            DeploymentException.class,
            e ->
                assertThat(e.getMessage())
                    .contains("snapshot no-such-snapshot: no such DB snapshot in eu-west-1"));
    assertThat(aws.stackStatuses()).isEmpty();
  }

  // ---- steps --------------------------------------------------------------------------------

  private Rollback.Outcome rollback() {
    Rollback.Outcome outcome =
        new Rollback(aws.gateways(), deployment(), engine(), progress::add, pacer)
            .rollback(
                Deployment.Request.of(
                    config,
                    StackDeployer.Method.DIRECT,
                    () -> {
                      throw new AssertionError("rollback asked for the API password");
                    }));
    return outcome;
  }

  private Deployment deployment() {
    return new Deployment(
        aws.gateways(),
        engine(),
        synthesis,
        this::publish,
        (url, secret, timeout) ->
            new SmokeCheck.Outcome(
                aws.trafficProblems().isEmpty(), String.join("; ", aws.trafficProblems())),
        progress::add,
        pacer,
        new Cancellation(),
        Duration.ofMinutes(15));
  }

  private Deployment.Result up() {
    return up(true);
  }

  private Deployment.Result up(boolean checked) {
    return up(checked, KeptChoices.Requests.NONE);
  }

  private String networkOutput(String key) {
    return aws.gateways()
        .cloudFormation()
        .describe("prod-dundermiff-network")
        .orElseThrow()
        .outputs()
        .get(key);
  }

  private void down() {
    Teardown.Report down =
        new Teardown(aws.gateways(), engine(), progress::add, pacer)
            .down(config, synthesize(config).stacks().stream().map(StackNode::of).toList(), true);
    assertThat(down.leftovers()).isEmpty();
  }

  private Deployment.Result up(boolean checked, KeptChoices.Requests kept) {
    Deployment.Result result =
        deployment()
            .up(
                Deployment.Request.of(
                        config,
                        StackDeployer.Method.DIRECT,
                        () -> new Deployment.Password("correct horse battery", true))
                    .withKept(kept));
    if (checked) {
      assertConsistent();
    }
    return result;
  }

  private StackDeployer engine() {
    return new StackDeployer(
        aws.gateways().cloudFormation(),
        pacer,
        progress::add,
        EngineSettings.defaults(),
        new Cancellation());
  }

  private void assertConsistent() {
    assertThat(aws.violations()).as("AWS rules broken").isEmpty();
    assertThat(aws.trafficProblems()).as("production traffic").isEmpty();
    assertThat(aws.outages()).as("production traffic during updates").isEmpty();
    assertThat(aws.tasksUnableToPull()).as("tasks that could not start again").isEmpty();
    assertThat(aws.stackStatuses().values())
        .allMatch(s -> s.endsWith("_COMPLETE") && !s.contains("ROLLBACK"));
  }

  private void assertLive(Rollout.TargetGroup group) {
    Map<String, Integer> weights = aws.productionWeights();
    String live =
        weights.entrySet().stream()
            .filter(e -> e.getValue() > 0)
            .map(Map.Entry::getKey)
            .findFirst()
            .orElse("");
    assertThat(live)
        .as("the group production reaches, weights " + weights)
        .containsIgnoringCase(group == Rollout.TargetGroup.BLUE ? "Blue" : "Green");
  }

  private void newVersionOf(String image) {
    versions.merge(image, 1, Integer::sum);
  }

  private String runningImage(String name) {
    return aws.runningImages().stream()
        .filter(i -> i.toLowerCase(java.util.Locale.ROOT).contains(name))
        .findFirst()
        .orElse("");
  }

  private ImageSet publish(
      ImageSet repositories,
      gifmachine.cli.aws.RegistryGateway.Login login,
      boolean arm64,
      ProgressListener listener) {
    String platform = arm64 ? "linux/arm64" : "linux/amd64";
    Function<ImageName, String> push =
        image -> {
          String uri = repositories.get(image);
          String name = image.repositoryName();
          // Same sources, same digest: an unchanged image is not pushed again (Jib checks the
          // registry).
          int before = aws.images().size();
          String pushed = aws.push(uri, name + ":" + versions.get(name), platform);
          if (aws.images().size() > before) {
            pushes.add(pushed);
          }
          return pushed;
        };
    return ImageSet.of(push);
  }

  private ImageSet currentImages() {
    String prefix = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/";
    return ImageSet.of(image -> prefix + (char) ('a' + image.ordinal()));
  }

  private static ImageSet placeholder() {
    return ImageSet.of(image -> "pending");
  }

  private DeploymentConfig with(Consumer<DeploymentConfig.Builder> change) {
    DeploymentConfig.Builder builder = config.toBuilder();
    change.accept(builder);
    return builder.build();
  }

  private static DeploymentConfig Configs_withLive(DeploymentConfig c, Rollout.TargetGroup live) {
    return Configs.withRollout(c, c.rollout().withLive(live));
  }

  /** Real synthesis, once per config, with the Gifmachine container's extra environment applied. */
  private SynthesizedApp synthesize(DeploymentConfig c) {
    String environment = extraEnvironment;
    return SYNTHESIZED.computeIfAbsent(
        c + "|" + environment, k -> withEnvironment(Infrastructure.synthesize(c), environment));
  }

  private static SynthesizedApp withEnvironment(SynthesizedApp app, String variable) {
    if (variable.isEmpty()) {
      return app;
    }
    List<SynthesizedStack> stacks = new ArrayList<>();
    for (SynthesizedStack stack : app.stacks()) {
      if (stack.part() != StackPart.GIFMACHINE) {
        stacks.add(stack);
        continue;
      }
      try {
        ObjectNode template = (ObjectNode) JSON.readTree(stack.templateBody());
        template
            .path("Resources")
            .forEach(
                resource -> {
                  if (resource.path("Type").asText().equals("AWS::ECS::TaskDefinition")) {
                    for (JsonNode container :
                        resource.path("Properties").path("ContainerDefinitions")) {
                      if (container.path("Name").asText().equals("gifmachine")) {
                        ((ArrayNode) container.path("Environment"))
                            .addObject()
                            .put("Name", variable)
                            .put("Value", "hello");
                      }
                    }
                  }
                });
        stacks.add(
            new SynthesizedStack(
                stack.stackName(),
                stack.part(),
                JSON.writeValueAsString(template),
                stack.dependsOn(),
                stack.tags()));
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
    return new SynthesizedApp(stacks);
  }
}
