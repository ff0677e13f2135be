package gifmachine.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import gifmachine.cli.aws.Aws;
import gifmachine.cli.testing.MotoServer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;

/** {@code logs}: the service's log group from the stack output, --since, --filter and --follow, against moto. */
@ExtendWith(MotoServer.class)
class LogsCommandIT {

  static final String STACK = """
      {"Resources":{"Logs":{"Type":"AWS::Logs::LogGroup","Properties":{"LogGroupName":"/test-acme/gifmachine"}}},
       "Outputs":{"LogGroupName":{"Value":{"Ref":"Logs"}}}}""";

  @TempDir
  Path dir;

  @Test
  void logs_prints_matching_lines_and_follow_prints_lines_that_arrive_later(MotoServer.Endpoint moto) throws Exception {
    moto.reset();
    try (Aws aws = moto.connect("eu-west-1");
        CloudWatchLogsClient logs = CloudWatchLogsClient.builder().region(Region.EU_WEST_1)
            .endpointOverride(URI.create(moto.url()))
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing")))
            .build()) {
      aws.cloudFormation().createStack("test-acme-gifmachine", STACK, Map.of("gifmachine-on-aws:deployment", "test-acme"));
      logs.createLogStream(r -> r.logGroupName("/test-acme/gifmachine").logStreamName("gifmachine/app/1"));
      long now = Instant.now().toEpochMilli();
      logs.putLogEvents(r -> r.logGroupName("/test-acme/gifmachine").logStreamName("gifmachine/app/1").logEvents(
          e -> e.timestamp(now - 7_200_000).message("POST /gif 201 two hours ago"),
          e -> e.timestamp(now - 1000).message("GET /healthz 200"),
          e -> e.timestamp(now).message("POST /gif 201 just now")));

      String[] args = {"logs", "-e", "test", "-c", "acme", "--region", "eu-west-1", "--endpoint-url", moto.url(),
          "--since", "1h", "--filter", "POST"};
      CliRunner.Result once = new CliRunner(dir).run(args);

      assertThat(once.exitCode()).as(once.toString()).isZero();
      assertThat(once.out()).contains("gifmachine/app/1 POST /gif 201 just now")
          .doesNotContain("two hours ago", "healthz");

      CompletableFuture<CliRunner.Result> following = CompletableFuture.supplyAsync(() -> new CliRunner(dir).run(
          "logs", "-e", "test", "-c", "acme", "--region", "eu-west-1", "--endpoint-url", moto.url(),
          "--since", "1m", "--filter", "POST", "--follow", "--follow-for", "PT6S"));
      Thread.sleep(2500);
      logs.putLogEvents(r -> r.logGroupName("/test-acme/gifmachine").logStreamName("gifmachine/app/1").logEvents(
          e -> e.timestamp(Instant.now().toEpochMilli()).message("POST /gif 201 while following")));
      CliRunner.Result followed = following.get();

      assertThat(followed.exitCode()).as(followed.toString()).isZero();
      assertThat(followed.out()).contains("POST /gif 201 just now", "POST /gif 201 while following");
      assertThat(followed.out().split("just now", -1)).hasSize(2);
    }
  }
}
