package gifmachine.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import gifmachine.cli.aws.Aws;
import gifmachine.cli.testing.FreePorts;
import gifmachine.cli.testing.MotoServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** What the commands say when AWS is not usable: moto for the answers, nothing mocked. */
@ExtendWith(MotoServer.class)
class CommandAwsErrorsIT {

  @TempDir Path dir;

  final MotoServer.Endpoint moto;

  CommandAwsErrorsIT(MotoServer.Endpoint moto) {
    this.moto = moto;
  }

  @BeforeEach
  void reset() throws Exception {
    moto.reset();
  }

  static Stream<String> awsCommands() {
    return Stream.of("up", "plan", "status", "logs", "down");
  }

  /** {@code command} for test-acme in {@code region} on {@code endpoint}, confirmed. */
  static List<String> args(String command, String region, String endpoint, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                command,
                "-e",
                "test",
                "-c",
                "acme",
                "--region",
                region,
                "--endpoint-url",
                endpoint));
    args.addAll(List.of(more));
    if (command.equals("down") || command.equals("up")) {
      args.add("--yes");
    }
    return args;
  }

  @ParameterizedTest
  @MethodSource("awsCommands")
  void an_unreachable_endpoint_exits_3_and_says_so(String command) throws Exception {
    CliRunner.Result result =
        new CliRunner(dir)
            .run(args(command, "eu-west-1", "http://127.0.0.1:" + FreePorts.loopback()));

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(3);
    assertThat(result.err())
        .contains(
            "the AWS endpoint cannot be reached", "check the network, --region and --endpoint-url")
        .doesNotContain("\tat ");
  }

  @ParameterizedTest
  @MethodSource("awsCommands")
  void missing_credentials_exit_3_and_say_how_to_configure_them(String command) {
    CliRunner.Result result =
        new CliRunner(dir).run(args(command, "eu-west-1", moto.url(), "--profile", "nobody"));

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(3);
    assertThat(result.err()).contains("no usable AWS credentials", "--profile");
  }

  @Test
  void an_unknown_region_is_rejected_before_anything_is_created_naming_the_known_ones() {
    CliRunner.Result result = new CliRunner(dir).run(args("up", "xx-nowhere-9", moto.url()));

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
    assertThat(result.err())
        .contains(
            "region xx-nowhere-9: not a region this account can use", "choose one of:", "eu-west-1")
        .doesNotContain("storing the API password", "synthesizing");
  }

  @Test
  void a_stack_with_our_name_that_is_not_ours_is_a_conflict() throws Exception {
    try (Aws aws = moto.connect("eu-west-1")) {
      aws.cloudFormation()
          .createStack(
              "test-acme-network",
              "{\"Resources\":{\"Topic\":{\"Type\":\"AWS::SNS::Topic\"}}}",
              Map.of("owner", "someone-else"));
    }

    CliRunner.Result result = new CliRunner(dir).run(args("up", "eu-west-1", moto.url()));

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(4);
    assertThat(result.err()).contains("stack test-acme-network: exists but is not ours");
  }

  @Test
  void up_without_a_password_source_or_terminal_asks_for_one_of_them() {
    List<String> args = args("up", "eu-west-1", moto.url());
    args.remove("--yes"); // nothing may answer the password question

    CliRunner.Result result = new CliRunner(dir).run(args);

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
    assertThat(result.err())
        .contains(
            "API password: not given and there is no terminal to ask on",
            "set GIFMACHINE_PASSWORD, or pass --yes");
  }

  @Test
  void status_of_nothing_deployed_says_so_and_suggests_up() {
    CliRunner.Result result = new CliRunner(dir).run(args("status", "eu-west-1", moto.url()));

    assertThat(result.exitCode()).as(result.toString()).isZero();
    assertThat(result.out())
        .contains("test-acme-network", "NOT_DEPLOYED", "Next: gifmachine-on-aws up");
  }

  @Test
  void logs_of_nothing_deployed_is_an_error_suggesting_up() {
    CliRunner.Result result = new CliRunner(dir).run(args("logs", "eu-west-1", moto.url()));

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(1);
    assertThat(result.err())
        .contains("logs: test-acme-gifmachine is not deployed", "run gifmachine-on-aws up first");
  }
}
