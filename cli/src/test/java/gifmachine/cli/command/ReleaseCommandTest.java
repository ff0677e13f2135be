package gifmachine.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gifmachine.cli.aws.PipelineGateway;
import gifmachine.cli.aws.rules.ScriptedDelivery;
import gifmachine.cli.deploy.Pacer;
import gifmachine.infra.StackOutputs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code release} and {@code status} through the real command line against {@link
 * ScriptedDelivery}: histories of one pipeline execution as AWS documents them (Source → Build →
 * Deploy, CodeBuild's phases, ECS's blue/green lifecycle stages), on a clock that moves only when
 * the command waits. The S3 upload and CodePipeline's start/get/list calls are also run against
 * moto in {@code PipelineGatewayMotoIT}.
 */
class ReleaseCommandTest {

  static final String BUILD = "test-acme-build:00000000-0000-0000-0000-000000000001";
  static final String DEPLOY = "test-acme-deploy:00000000-0000-0000-0000-000000000002";
  static final String NEW_TASK_DEFINITION =
      "arn:aws:ecs:eu-west-1:123456789012:task-definition/gifmachine:2";
  static final String NEW_IMAGE = "repo/gifmachine@sha256:" + "b".repeat(64);

  @TempDir Path dir;
  final ClockPacer pacer = new ClockPacer();
  ScriptedDelivery aws;
  CliRunner cli;
  final AtomicReference<Runnable> ctrlC = new AtomicReference<>();

  /** Time that passes only when the command sleeps. */
  static final class ClockPacer implements Pacer {
    Instant now = Instant.parse("2026-12-01T12:00:00Z");

    @Override
    public synchronized Instant now() {
      return now;
    }

    @Override
    public synchronized void sleep(Duration duration) {
      now = now.plus(duration);
    }
  }

  @BeforeEach
  void deployment() throws Exception {
    Path repo = Files.createDirectories(dir.resolve("repo"));
    git(repo, "init", "-q");
    git(repo, "config", "user.email", "t@example.com");
    git(repo, "config", "user.name", "t");
    Files.writeString(repo.resolve("README.md"), "gifmachine\n");
    git(repo, "add", ".");
    git(repo, "commit", "-q", "-m", "first");

    aws = new ScriptedDelivery(pacer::now, List.of("Source", "Build", "Deploy"));
    aws.stack(
        "test-acme-pipeline",
        Map.of(
            StackOutputs.PIPELINE_NAME,
            ScriptedDelivery.PIPELINE,
            StackOutputs.SOURCE_BUCKET_NAME,
            ScriptedDelivery.SOURCE_BUCKET));
    aws.stack(
        "test-acme-gifmachine",
        Map.of(
            StackOutputs.CLUSTER_NAME, ScriptedDelivery.CLUSTER,
            StackOutputs.SERVICE_NAME, ScriptedDelivery.SERVICE,
            StackOutputs.GIFMACHINE_URL, "https://gifs.example.com",
            StackOutputs.VALIDATION_HOOK_LOG_GROUP, ScriptedDelivery.HOOK_LOG_GROUP,
            StackOutputs.PRODUCTION_LISTENER_RULE_ARN, ScriptedDelivery.RULE));
    aws.pastExecution(
        "e0-0000-0000-0000-000000000000",
        "Succeeded",
        "commit 0123456789ab",
        pacer.now().minus(Duration.ofDays(1)));

    cli = new CliRunner(repo);
    cli.pacer = pacer;
    cli.connector = settings -> aws.gateways();
    cli.interrupts =
        action -> {
          ctrlC.set(action);
          return () -> ctrlC.set(null);
        };
  }

  @Test
  void
      a_release_uploads_the_commit_starts_the_pipeline_and_follows_it_to_the_url_and_digests_through_throttling() {
    sourceAndBuildStart();
    buildSucceeds();
    deployStarts();
    blueGreenUpTo("POST_TEST_TRAFFIC_SHIFT");
    aws.at(Duration.ofSeconds(525), () -> aws.hookAnswer(1, "PASSED", ""));
    aws.at(Duration.ofSeconds(530), () -> aws.throttle("CodePipeline.GetPipelineState", 2));
    aws.at(
        Duration.ofSeconds(540),
        () -> {
          aws.ecs("d1", "IN_PROGRESS", "PRODUCTION_TRAFFIC_SHIFT", "");
          aws.weights(0, 100);
        });
    aws.at(Duration.ofSeconds(560), () -> aws.ecs("d1", "IN_PROGRESS", "BAKE_TIME", ""));
    aws.at(
        Duration.ofSeconds(800),
        () -> {
          aws.ecs("d1", "SUCCESSFUL", "CLEAN_UP", "");
          aws.runs(NEW_TASK_DEFINITION, Map.of("gifmachine", NEW_IMAGE));
        });
    deployBuildEnds(820, "SUCCEEDED", "");
    executionEnds(830, "Deploy", "Up", DEPLOY, "Succeeded", "");

    CliRunner.Result release = cli.run(args("release"));

    assertThat(release.exitCode()).as(release.toString()).isZero();
    assertThat(aws.violations()).isEmpty();
    assertThat(aws.uploads().get("source.zip").get(PipelineGateway.REVISION_SUMMARY_METADATA))
        .matches("commit [0-9a-f]{12}");
    assertThat(release.err())
        .contains(
            "Source  stage",
            "Build  stage",
            "Deploy  stage",
            "Build  Images CodeBuild " + BUILD + "  PROVISIONING",
            "Deploy  Up CodeBuild " + DEPLOY + "  BUILD",
            "ECS deployment d1: IN_PROGRESS, SCALE_UP",
            "ECS deployment d1: IN_PROGRESS, TEST_TRAFFIC_SHIFT",
            "validation hook: attempt 1: PASSED",
            "production traffic: blue 0%, green 100%",
            "ECS deployment d1: SUCCESSFUL");
    assertThat(release.err().indexOf("production traffic: blue 0%, green 100%"))
        .isGreaterThan(release.err().indexOf("validation hook: attempt 1: PASSED"));
    assertThat(release.out())
        .contains(
            "gifmachine: " + NEW_IMAGE,
            "Gifmachine: https://gifs.example.com",
            "Next: gifmachine-on-aws status");
    assertThat(aws.calls()).filteredOn(c -> c.endsWith("(throttled)")).hasSize(2);
  }

  @Test
  void a_failed_build_ends_with_exit_1_its_phase_and_the_last_lines_of_its_log() {
    sourceAndBuildStart();
    List<String> log =
        IntStream.rangeClosed(1, 45)
            .mapToObj(i -> "[INFO] line " + i)
            .collect(java.util.stream.Collectors.toCollection(ArrayList::new));
    log.add("[ERROR] COMPILATION ERROR: GifController.java:[42,5] cannot find symbol");
    aws.at(
        Duration.ofSeconds(200),
        () -> {
          aws.buildPhase(
              BUILD,
              "POST_BUILD",
              "FAILED",
              "COMMAND_EXECUTION_ERROR Error while executing command: ./mvnw -B -pl cli -am package. Reason: exit status 1");
          aws.buildLog(BUILD, log);
        });
    aws.at(
        Duration.ofSeconds(205), () -> aws.buildPhase(BUILD, "UPLOAD_ARTIFACTS", "SUCCEEDED", ""));
    aws.at(Duration.ofSeconds(210), () -> aws.buildPhase(BUILD, "FINALIZING", "SUCCEEDED", ""));
    aws.at(Duration.ofSeconds(215), () -> aws.buildPhase(BUILD, "COMPLETED", "SUCCEEDED", ""));
    executionEnds(220, "Build", "Images", BUILD, "Failed", "Build terminated with state: FAILED");

    CliRunner.Result release = cli.run(args("release"));

    assertThat(release.exitCode()).as(release.toString()).isEqualTo(1);
    assertThat(aws.violations()).isEmpty();
    assertThat(release.err())
        .contains(
            "release: execution e2-0000-0000-0000-000000000000 failed at stage Build (Images): build phase BUILD FAILED:"
                + " COMMAND_EXECUTION_ERROR Error while executing command",
            "Last 20 lines of the build log:",
            "[INFO] line 27",
            "[ERROR] COMPILATION ERROR: GifController.java:[42,5]",
            "fix the cause, commit, and run release again");
    assertThat(release.err()).doesNotContain("[INFO] line 26\n");
    assertThat(release.err()).doesNotContain("Deploy  stage");
  }

  @Test
  void a_failed_validation_hook_rolls_the_deployment_back_and_says_why() {
    sourceAndBuildStart();
    buildSucceeds();
    deployStarts();
    blueGreenUpTo("POST_TEST_TRAFFIC_SHIFT");
    aws.at(Duration.ofSeconds(525), () -> aws.hookAnswer(1, "FAILED", "GET /gif answered 500"));
    aws.at(
        Duration.ofSeconds(530),
        () ->
            aws.ecs(
                "d1",
                "ROLLBACK_IN_PROGRESS",
                "POST_TEST_TRAFFIC_SHIFT",
                "Service deployment rolled back because of a failed lifecycle hook"));
    aws.at(
        Duration.ofSeconds(600),
        () ->
            aws.ecs(
                "d1",
                "ROLLBACK_SUCCESSFUL",
                "POST_TEST_TRAFFIC_SHIFT",
                "Service deployment rolled back because of a failed lifecycle hook"));
    deployBuildEnds(
        640,
        "FAILED",
        "COMMAND_EXECUTION_ERROR Error while executing command: java -jar cli.jar up. Reason: exit status 1");
    executionEnds(650, "Deploy", "Up", DEPLOY, "Failed", "Build terminated with state: FAILED");

    CliRunner.Result release = cli.run(args("release"));

    assertThat(release.exitCode()).as(release.toString()).isEqualTo(1);
    assertThat(aws.violations()).isEmpty();
    assertThat(release.err())
        .contains(
            "validation hook: attempt 1: FAILED (GET /gif answered 500)",
            "ECS deployment d1: ROLLBACK_IN_PROGRESS",
            "failed at stage Deploy (Up)");
    assertThat(release.out())
        .contains(
            "ECS deployment d1: rollback_successful"
                + " (Service deployment rolled back because of a failed lifecycle hook)",
            "validation hook: attempt 1: FAILED (GET /gif answered 500)");
    assertThat(release.err()).doesNotContain("production traffic: blue 0%");
  }

  @Test
  void ctrl_c_stops_only_the_following_and_status_shows_the_execution_still_running()
      throws Exception {
    sourceAndBuildStart();
    buildSucceeds();
    deployStarts();
    blueGreenUpTo("SCALE_UP");
    aws.at(Duration.ofSeconds(430), () -> ctrlC.get().run());

    CliRunner.Result release = cli.run(args("release"));

    // In production the signal ends the process; here the same thread goes on to run status.
    Thread.interrupted();
    assertThat(release.exitCode()).as(release.toString()).isEqualTo(130);
    assertThat(release.err())
        .contains("nothing was cancelled, it carries on in AWS", "gifmachine-on-aws status");
    List<String> afterCtrlC =
        aws.calls().subList(aws.calls().lastIndexOf("(start)"), aws.calls().size());
    assertThat(afterCtrlC)
        .allMatch(
            call ->
                call.startsWith("(")
                    || call.matches("\\w+\\.(Get|List|Describe|BatchGet|Filter)\\w*"));
    assertThat(aws.executionStatus()).isEqualTo("InProgress");

    CliRunner.Result status = cli.run(args("status"));
    assertThat(status.exitCode()).as(status.toString()).isZero();
    assertThat(status.out())
        .containsPattern("e2-0000-0000-0000-000000000000 +InProgress +commit [0-9a-f]{12}")
        .contains("e0-0000-0000-0000-000000000000", "Succeeded", "commit 0123456789ab")
        .contains("ECS deployment in progress: d1 IN_PROGRESS, SCALE_UP");

    CliRunner.Result json = cli.run(args("status", "--output", "json"));
    JsonNode report = new ObjectMapper().readTree(json.out());
    assertThat(report.at("/pipeline/executions/0/status").asText()).isEqualTo("InProgress");
    assertThat(report.at("/pipeline/executions/0/source").asText()).matches("commit [0-9a-f]{12}");
    assertThat(report.at("/deploymentsInProgress/0/lifecycleStage").asText()).isEqualTo("SCALE_UP");
  }

  @Test
  void wait_false_returns_once_the_execution_started() {
    sourceAndBuildStart();

    CliRunner.Result release = cli.run(args("release", "--wait=false"));

    assertThat(release.exitCode()).as(release.toString()).isZero();
    assertThat(release.out())
        .contains(
            "Execution e2-0000-0000-0000-000000000000 started.", "Next: gifmachine-on-aws status");
    assertThat(aws.calls()).doesNotContain("CodePipeline.GetPipelineExecution");
  }

  @Test
  void uncommitted_changes_are_refused_with_exit_2_unless_allowed() throws Exception {
    Files.writeString(cli.workingDirectory.resolve("README.md"), "changed\n");
    sourceAndBuildStart();

    CliRunner.Result refused = cli.run(args("release", "--wait=false"));
    assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(2);
    assertThat(refused.err()).contains("uncommitted changes: README.md", "--allow-dirty");
    assertThat(aws.uploads()).isEmpty();

    CliRunner.Result allowed = cli.run(args("release", "--wait=false", "--allow-dirty"));
    assertThat(allowed.exitCode()).as(allowed.toString()).isZero();
    assertThat(aws.uploads().get("source.zip").get(PipelineGateway.REVISION_SUMMARY_METADATA))
        .matches("commit [0-9a-f]{12} with 1 uncommitted change");
  }

  @Test
  void without_the_pipeline_stack_release_says_so_with_exit_2() {
    ScriptedDelivery empty = new ScriptedDelivery(pacer::now, List.of("Source"));
    cli.connector = settings -> empty.gateways();

    CliRunner.Result release = cli.run(args("release"));

    assertThat(release.exitCode()).as(release.toString()).isEqualTo(2);
    assertThat(release.err())
        .contains("release: the pipeline stack test-acme-pipeline is not deployed");
  }

  // ---- the history, as AWS reports it --------------------------------------------------------

  private void sourceAndBuildStart() {
    aws.at(
        Duration.ZERO,
        () -> {
          aws.stage("Source", "InProgress");
          aws.action("Source", "Source", "InProgress", "", "");
        });
    aws.at(
        Duration.ofSeconds(5),
        () -> {
          aws.action("Source", "Source", "Succeeded", "", "");
          aws.stage("Source", "Succeeded");
          aws.stage("Build", "InProgress");
          aws.action("Build", "Images", "InProgress", BUILD, "");
          aws.buildPhase(BUILD, "SUBMITTED", "", "");
        });
    phases(BUILD, 10, "QUEUED", "PROVISIONING", "DOWNLOAD_SOURCE", "INSTALL", "PRE_BUILD", "BUILD");
  }

  private void buildSucceeds() {
    phases(BUILD, 300, "POST_BUILD", "UPLOAD_ARTIFACTS", "FINALIZING", "COMPLETED");
    aws.at(
        Duration.ofSeconds(345),
        () -> {
          aws.action("Build", "Images", "Succeeded", BUILD, "");
          aws.stage("Build", "Succeeded");
        });
  }

  private void deployStarts() {
    aws.at(
        Duration.ofSeconds(350),
        () -> {
          aws.stage("Deploy", "InProgress");
          aws.action("Deploy", "Up", "InProgress", DEPLOY, "");
          aws.buildPhase(DEPLOY, "SUBMITTED", "", "");
        });
    phases(
        DEPLOY, 355, "QUEUED", "PROVISIONING", "DOWNLOAD_SOURCE", "INSTALL", "PRE_BUILD", "BUILD");
  }

  /** The ECS deployment from PRE_SCALE_UP to {@code last}, 20 s a stage, starting at 400 s. */
  private void blueGreenUpTo(String last) {
    List<String> stages =
        List.of(
            "PRE_SCALE_UP",
            "SCALE_UP",
            "POST_SCALE_UP",
            "TEST_TRAFFIC_SHIFT",
            "POST_TEST_TRAFFIC_SHIFT");
    int at = 400;
    for (String stage : stages.subList(0, stages.indexOf(last) + 1)) {
      aws.at(Duration.ofSeconds(at), () -> aws.ecs("d1", "IN_PROGRESS", stage, ""));
      at += 20;
    }
  }

  private void deployBuildEnds(int at, String buildStatus, String context) {
    aws.at(
        Duration.ofSeconds(at), () -> aws.buildPhase(DEPLOY, "POST_BUILD", buildStatus, context));
    phases(DEPLOY, at + 5, "UPLOAD_ARTIFACTS", "FINALIZING", "COMPLETED");
  }

  /**
   * At {@code at} s the action ends with {@code status} ({@code Succeeded | Failed}), and its stage
   * and the execution end with it.
   */
  private void executionEnds(
      int at, String stage, String action, String build, String status, String error) {
    aws.at(
        Duration.ofSeconds(at),
        () -> {
          aws.action(stage, action, status, build, error);
          aws.stage(stage, status);
          aws.execution(status, "");
        });
  }

  private void phases(String build, int from, String... phases) {
    for (int i = 0; i < phases.length; i++) {
      String phase = phases[i];
      aws.at(
          Duration.ofSeconds(from + 5L * i), () -> aws.buildPhase(build, phase, "SUCCEEDED", ""));
    }
  }

  private static String[] args(String... command) {
    List<String> args = new ArrayList<>(List.of(command));
    args.addAll(List.of("--environment", "test", "--company", "acme", "--region", "eu-west-1"));
    return args.toArray(String[]::new);
  }

  private static void git(Path repo, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("git", "-C", repo.toString()));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getInputStream().readAllBytes();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isZero();
  }
}
