package gifmachine.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import gifmachine.cli.aws.Aws;
import gifmachine.cli.deploy.Pacer;
import gifmachine.cli.testing.MotoServer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;

/**
 * {@code logs}: the service's log group from the stack output, --since, --filter and --follow,
 * against moto.
 */
@ExtendWith(MotoServer.class)
class LogsCommandIT {

  static final String STACK =
      """
      {"Resources":{"Logs":{"Type":"AWS::Logs::LogGroup","Properties":{"LogGroupName":"/test-acme/gifmachine"}}},
       "Outputs":{"LogGroupName":{"Value":{"Ref":"Logs"}}}}""";

  @TempDir Path dir;

  @Test
  void logs_prints_matching_lines_and_follow_prints_lines_that_arrive_later(
      MotoServer.Endpoint moto) throws Exception {
    moto.reset();
    try (Aws aws = moto.connect("eu-west-1");
        CloudWatchLogsClient logs =
            CloudWatchLogsClient.builder()
                .region(Region.EU_WEST_1)
                .endpointOverride(URI.create(moto.url()))
                .credentialsProvider(
                    StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("testing", "testing")))
                .build()) {
      aws.cloudFormation()
          .createStack(
              "test-acme-gifmachine", STACK, Map.of("gifmachine-on-aws:deployment", "test-acme"));
      logs.createLogStream(
          r -> r.logGroupName("/test-acme/gifmachine").logStreamName("gifmachine/app/1"));
      long now = Instant.now().toEpochMilli();
      logs.putLogEvents(
          r ->
              r.logGroupName("/test-acme/gifmachine")
                  .logStreamName("gifmachine/app/1")
                  .logEvents(
                      e -> e.timestamp(now - 7_200_000).message("POST /gif 201 two hours ago"),
                      e -> e.timestamp(now - 1000).message("GET /healthz 200"),
                      e -> e.timestamp(now).message("POST /gif 201 just now")));

      String[] args = {
        "logs",
        "-e",
        "test",
        "-c",
        "acme",
        "--region",
        "eu-west-1",
        "--endpoint-url",
        moto.url(),
        "--since",
        "1h",
        "--filter",
        "POST"
      };
      CliRunner.Result once = new CliRunner(dir).run(args);

      assertThat(once.exitCode()).as(once.toString()).isZero();
      assertThat(once.out())
          .contains("gifmachine/app/1 POST /gif 201 just now")
          .doesNotContain("two hours ago", "healthz");

      // The follower polls, then sleeps through the pacer; the new line is posted only once it
      // sleeps, so only a second poll can print it.
      HeldPacer pacer = new HeldPacer();
      CliRunner follower = new CliRunner(dir);
      follower.pacer = pacer;
      CompletableFuture<CliRunner.Result> following =
          CompletableFuture.supplyAsync(
              () ->
                  follower.run(
                      "logs",
                      "-e",
                      "test",
                      "-c",
                      "acme",
                      "--region",
                      "eu-west-1",
                      "--endpoint-url",
                      moto.url(),
                      "--since",
                      "1m",
                      "--filter",
                      "POST",
                      "--follow",
                      "--follow-for",
                      "PT3S"));
      pacer.awaitFirstSleep(following);
      logs.putLogEvents(
          r ->
              r.logGroupName("/test-acme/gifmachine")
                  .logStreamName("gifmachine/app/1")
                  .logEvents(
                      e ->
                          e.timestamp(Instant.now().toEpochMilli())
                              .message("POST /gif 201 while following")));
      pacer.release();
      CliRunner.Result followed = following.get();

      assertThat(followed.exitCode()).as(followed.toString()).isZero();
      assertThat(followed.out())
          .contains("POST /gif 201 just now", "POST /gif 201 while following");
      assertThat(followed.out().split("just now", -1)).hasSize(2);
      assertThat(pacer.slept())
          .as("time the follower waited between polls: it stops after --follow-for")
          .isEqualTo(Duration.ofSeconds(4));
    }
  }

  /**
   * Time for the follower: it starts at the real time (the log events carry real timestamps), moves
   * only when the command sleeps, and holds the first sleep until the test releases it.
   */
  static final class HeldPacer implements Pacer {

    private final Instant start = Instant.now();
    private final AtomicReference<Duration> slept = new AtomicReference<>(Duration.ZERO);
    private final CountDownLatch firstSleep = new CountDownLatch(1);
    private final CountDownLatch released = new CountDownLatch(1);

    @Override
    public Instant now() {
      return start.plus(slept.get());
    }

    @Override
    public void sleep(Duration duration) throws InterruptedException {
      slept.updateAndGet(d -> d.plus(duration));
      firstSleep.countDown();
      released.await();
    }

    /** Returns once the command sleeps after its first poll; fails if it ends without sleeping. */
    void awaitFirstSleep(CompletableFuture<CliRunner.Result> command) throws Exception {
      while (!firstSleep.await(100, TimeUnit.MILLISECONDS)) {
        if (command.isDone()) {
          throw new AssertionError(
              "logs --follow ended without waiting for new lines:\n" + command.get());
        }
      }
    }

    void release() {
      released.countDown();
    }

    Duration slept() {
      return slept.get();
    }
  }
}
