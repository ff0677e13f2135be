package gifmachine.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Bad input for every command and flag that needs no AWS: the message and the exit code. */
class CommandInputTest {

  @TempDir Path dir;

  static final List<String> COMMANDS =
      List.of("up", "plan", "status", "logs", "rollback", "down", "synth", "cost");
  static final String[] VALID = {"-e", "test", "-c", "acme", "--region", "eu-west-1"};

  static List<String> args(String command, String... more) {
    List<String> args = new ArrayList<>(List.of(command));
    if (command.equals("synth")) {
      args.addAll(List.of("--out", "templates"));
    }
    args.addAll(List.of(more));
    return args;
  }

  static List<String> with(List<String> args, String... more) {
    List<String> all = new ArrayList<>(args);
    all.addAll(List.of(more));
    return all;
  }

  /** {@code command} with a valid environment, company and region, then {@code more}. */
  static List<String> valid(String command, String... more) {
    return with(args(command, VALID), more);
  }

  static Stream<Arguments> badInput() {
    List<Arguments> cases = new ArrayList<>();
    for (String command : COMMANDS) {
      cases.add(
          Arguments.of(
              command,
              args(command, "-c", "acme", "--region", "eu-west-1"),
              "environment: not set"));
      cases.add(
          Arguments.of(
              command, args(command, "-e", "test", "--region", "eu-west-1"), "company: not set"));
      cases.add(
          Arguments.of(command, args(command, "-e", "test", "-c", "acme"), "region: not set"));
      cases.add(
          Arguments.of(
              command,
              args(command, "-e", "Prod", "-c", "acme", "--region", "eu-west-1"),
              "environment \"Prod\": must start with a lowercase letter"));
      cases.add(
          Arguments.of(
              command,
              args(command, "-e", "test", "-c", "acme_corp", "--region", "eu-west-1"),
              "company \"acme_corp\": must start with a lowercase letter"));
      cases.add(
          Arguments.of(
              command,
              args(command, "-e", "test", "-c", "acme", "--region", "mars"),
              "region \"mars\": not an AWS region name"));
      cases.add(
          Arguments.of(
              command,
              valid(command, "--method", "yolo"),
              "method \"yolo\" (from flag --method): must be changeset or direct"));
      cases.add(
          Arguments.of(
              command,
              valid(command, "--endpoint-url", "localhost"),
              "endpoint-url \"localhost\" (from flag --endpoint-url): must be an http(s) URL"));
      cases.add(
          Arguments.of(
              command,
              valid(command, "--min-tasks", "two"),
              "min-tasks \"two\" (from flag --min-tasks): must be a whole number"));
      cases.add(
          Arguments.of(
              command,
              valid(command, "--min-tasks", "5", "--max-tasks", "2"),
              "tasks 5..2: need 1 <= min <= max"));
      cases.add(
          Arguments.of(
              command,
              valid(command, "--waf", "maybe"),
              "waf \"maybe\" (from flag --waf): must be true or false"));
      cases.add(
          Arguments.of(
              command,
              valid(command, "--db-instance-class", "huge"),
              "database instance class \"huge\": not an RDS class"));
      cases.add(
          Arguments.of(
              command,
              valid(command, "--certificate-arn", "mine"),
              "certificate \"mine\": not an ACM certificate ARN"));
      cases.add(
          Arguments.of(
              command,
              valid(command, "--config", "absent.yml"),
              "config file absent.yml: not found"));
      cases.add(Arguments.of(command, args(command, "--bogus"), "Unknown option: '--bogus'"));
    }
    cases.add(
        Arguments.of("up", with(args("up", "everything"), VALID), "up everything: unknown part"));
    String irishCertificate =
        "arn:aws:acm:eu-west-1:123456789012:certificate/0f0e0d0c-1111-2222-3333-444455556666";
    String virginianCertificate = irishCertificate.replace("eu-west-1", "us-east-1");
    for (String command : List.of("up", "cost")) {
      cases.add(
          Arguments.of(
              command,
              valid(command, "--edge", "nginx"),
              "edge \"nginx\" (from flag --edge): must be cloudfront or alb"));
      cases.add(
          Arguments.of(
              command,
              valid(command, "--domain", "gifs.example.com", "--certificate-arn", irishCertificate),
              "it is in eu-west-1, but CloudFront can use only a certificate from us-east-1; request or"
                  + " import one in us-east-1"));
      cases.add(
          Arguments.of(
              command,
              valid(command, "--edge", "alb", "--certificate-arn", virginianCertificate),
              "it is in us-east-1, but the load balancer in eu-west-1 can use only a certificate from eu-west-1"));
      cases.add(
          Arguments.of(
              command,
              valid(command, "--domain", "gifs.example.com"),
              "domain \"gifs.example.com\": needs --certificate-arn"));
      cases.add(
          Arguments.of(
              command,
              valid(
                  command,
                  "--domain",
                  "gifs_example.com",
                  "--certificate-arn",
                  virginianCertificate),
              "domain \"gifs_example.com\": not a lowercase DNS name like gifs.example.com"));
      cases.add(
          Arguments.of(
              command,
              valid(command, "--certificate-arn", virginianCertificate),
              "with the CloudFront edge a certificate needs --domain"));
      cases.add(
          Arguments.of(
              command,
              valid(command, "--monitoring-spot", "sometimes"),
              "monitoring-spot \"sometimes\" (from flag --monitoring-spot): must be true or false"));
    }
    cases.add(
        Arguments.of(
            "logs",
            valid("logs", "--since", "yesterday"),
            "since \"yesterday\": must be a number and a unit"));
    cases.add(
        Arguments.of(
            "status", valid("status", "--output", "xml"), "Invalid value for option '--output'"));
    cases.add(
        Arguments.of(
            "synth",
            List.of("synth", "-e", "test", "-c", "acme", "--region", "eu-west-1"),
            "Missing required option: '--out=DIR'"));
    cases.add(
        Arguments.of(
            "down",
            valid("down"),
            "down: needs a confirmation and there is no terminal to ask on"));
    cases.add(
        Arguments.of(
            "rollback",
            valid("rollback"),
            "rollback: needs a confirmation and there is no terminal to ask on"));
    cases.add(
        Arguments.of(
            "cost",
            List.of("cost", "-e", "test", "-c", "acme", "--region", "ap-south-2"),
            "region ap-south-2: no prices for it in the price table (priced: "));
    cases.add(Arguments.of("-", List.of("nonsense"), "Unmatched argument at index 0: 'nonsense'"));
    return cases.stream();
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("badInput")
  void bad_input_is_explained_in_one_line_with_exit_code_2(
      String command, List<String> args, String message) {
    CliRunner.Result result = new CliRunner(dir).run(args);

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
    assertThat(result.err()).as(result.toString()).contains(message).doesNotContain("\tat ");
    assertThat(result.out()).isEmpty();
  }

  /**
   * Files and paths a user can get wrong: the message says what and why, the next line what to do,
   * and nothing of it is an exception's name.
   */
  static Stream<Arguments> badFiles() {
    return Stream.of(
        Arguments.of(
            "a directory as --config",
            List.of("status", "--config", "conf"),
            "config file conf: is a directory, not a file",
            "Give the file itself, e.g. --config conf/gifmachine-on-aws.yml"),
        Arguments.of(
            "a binary file as --config",
            List.of("status", "--config", "binary.yml"),
            "binary.yml: not a text file",
            "Give a YAML file"),
        Arguments.of(
            "a binary key=value file",
            List.of("status", "--config", "binary.txt"),
            "binary.txt: not a text file",
            "Give a YAML file"),
        Arguments.of(
            "invalid YAML",
            List.of("status", "--config", "broken.yml"),
            "broken.yml line 2, column 14: not valid YAML (mapping values are not allowed here)",
            "Fix the file at that place"),
        Arguments.of(
            "a count beyond int",
            with(List.of("status", "--min-tasks", "99999999999"), VALID),
            "min-tasks \"99999999999\" (from flag --min-tasks): must be a whole number from 1 to 20",
            "Give e.g. --min-tasks 1"),
        Arguments.of(
            "a negative count",
            with(List.of("status", "--max-tasks", "-3"), VALID),
            "max-tasks \"-3\" (from flag --max-tasks): must be a whole number from 1 to 20",
            "Give e.g. --max-tasks 4"),
        Arguments.of(
            "synth into /proc",
            with(List.of("synth", "--out", "/proc/x"), VALID),
            "out /proc/x: cannot write templates there (",
            "Choose a folder you can write to"),
        Arguments.of(
            "synth into a file",
            with(List.of("synth", "--out", "binary.txt"), VALID),
            "out binary.txt: cannot write templates there (",
            "Choose a folder you can write to"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badFiles")
  void a_bad_file_or_path_is_explained_with_what_to_do_and_exit_code_2(
      String what, List<String> args, String message, String advice) throws Exception {
    Files.createDirectories(dir.resolve("conf"));
    byte[] binary = {
      0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, (byte) 0xc3, 0x28, (byte) 0xff, (byte) 0xfe
    };
    Files.write(dir.resolve("binary.yml"), binary);
    Files.write(dir.resolve("binary.txt"), binary);
    Files.writeString(dir.resolve("broken.yml"), "environment: test\ncompany: acme: corp\n");

    CliRunner.Result result = new CliRunner(dir).run(args);

    assertThat(result.exitCode()).as(result.toString()).isEqualTo(2);
    assertThat(result.err().lines().toList()).as(result.toString()).hasSize(2);
    assertThat(result.err().lines().findFirst().orElseThrow())
        .as(result.toString())
        .contains(message);
    assertThat(result.err())
        .as(result.toString())
        .contains("\n" + advice)
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
    assertThat(result.out()).isEmpty();
  }

  @Test
  void a_yaml_config_file_with_an_unknown_key_is_rejected_naming_the_key_and_the_known_ones()
      throws Exception {
    Files.writeString(
        dir.resolve("gifmachine-on-aws.yml"),
        "environment: test\ncompany: acme\nregoin: eu-west-1\n");

    CliRunner.Result result = new CliRunner(dir).run("status");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err())
        .contains(
            "gifmachine-on-aws.yml: unknown key \"regoin\" (known: environment, company, region,");
  }

  @Test
  void the_earlier_key_value_config_file_with_an_unknown_key_is_rejected() throws Exception {
    Files.createDirectories(dir.resolve("config"));
    Files.writeString(
        dir.resolve("config/aws-config.txt"),
        "AWS_REGION=eu-west-1\nENVIRONMENT=test\nCOMPANY=acme\nJUMPBOX_KEY=x\n");

    CliRunner.Result result = new CliRunner(dir).run("status");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("aws-config.txt: unknown key \"JUMPBOX_KEY\"");
  }

  @Test
  void verbose_shows_the_stack_trace() {
    CliRunner.Result result =
        new CliRunner(dir)
            .run("status", "-e", "Prod", "-c", "acme", "--region", "eu-west-1", "--verbose");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).contains("\tat ");
  }

  @Test
  void without_verbose_the_error_has_no_stack_trace() {
    CliRunner.Result result =
        new CliRunner(dir).run("status", "-e", "Prod", "-c", "acme", "--region", "eu-west-1");

    assertThat(result.exitCode()).isEqualTo(2);
    assertThat(result.err()).doesNotContain("\tat ");
  }
}
