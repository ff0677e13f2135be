package gifmachine.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import gifmachine.cli.Main;
import gifmachine.cli.image.BaseImages;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/** Bad input to {@code images push}: exit code 2 and a message that says what and why. */
class ImagesCommandTest {

  record Run(int exitCode, String out, String err) {}

  @TempDir static Path directory;

  static Run run(String stdin, String... args) {
    BaseImages noBases =
        kind -> {
          throw new AssertionError("bad input must fail before any image is built");
        };
    CommandLine command =
        new CommandLine(
            new ImagesCommand(
                new CliRunner(directory).context(),
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                noBases));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    command.setOut(new PrintWriter(out, true));
    command.setErr(new PrintWriter(err, true));
    int code = command.execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  static Stream<Arguments> badInput() {
    return Stream.of(
        Arguments.of(
            new String[] {"push"},
            "",
            "no repositories: give either --registry PREFIX, or a deployment: -e ENV"),
        Arguments.of(new String[] {"push", "-e", "prod"}, "", "no repositories: give either"),
        Arguments.of(
            new String[] {
              "push",
              "--registry",
              "r.example/x",
              "--deployment",
              "prod-acme",
              "--region",
              "eu-west-1"
            },
            "",
            "no repositories: give either"),
        Arguments.of(
            new String[] {"push", "--deployment", "prod-acme"},
            "",
            "the deployment prod-acme needs --region"),
        Arguments.of(
            new String[] {"push", "-e", "prod", "-c", "acme"},
            "",
            "the deployment prod-acme needs --region"),
        Arguments.of(
            new String[] {
              "push",
              "-e",
              "prod",
              "-c",
              "acme",
              "--region",
              "eu-west-1",
              "--endpoint-url",
              "ftp://x"
            },
            "",
            "endpoint-url \"ftp://x\" (from flag"),
        Arguments.of(
            new String[] {
              "push", "-e", "prod", "-c", "acme", "--region", "eu-west-1", "--graviton", "maybe"
            },
            "",
            "graviton \"maybe\""),
        Arguments.of(
            new String[] {"push", "--registry", "https://r.example/x"},
            "",
            "is not a repository prefix"),
        Arguments.of(
            new String[] {"push", "--registry", "r.example/x", "--platform", "sparc"},
            "",
            "--platform 'sparc' is not supported: use arm64 (Graviton) or amd64"),
        Arguments.of(
            new String[] {"push", "--registry", "r.example/x", "--images", "gifmachine,redis"},
            "",
            "--images 'redis' is not an image"),
        Arguments.of(
            new String[] {"push", "--registry", "r.example/x", "--aot-env", "DATABASE_URL=x"},
            "",
            "--aot-env goes with --aot-java"),
        Arguments.of(
            new String[] {"push", "--registry", "r.example/x", "--aot-java", "/no/such/java"},
            "",
            "--aot-java /no/such/java is not an executable file: give the base image's bin/java"),
        Arguments.of(
            new String[] {"push", "--registry", "r.example/x", "--output", "yaml"},
            "",
            "--output 'yaml' is not a format: use text or json"),
        Arguments.of(
            new String[] {"push", "--registry", "r.example/x", "--username", "AWS"},
            "",
            "--username needs --password-stdin: passwords are never taken as arguments"),
        Arguments.of(
            new String[] {"push", "--registry", "r.example/x", "--password-stdin"},
            "pw\n",
            "--password-stdin needs --username"),
        Arguments.of(
            new String[] {
              "push", "--registry", "r.example/x", "--username", "AWS", "--password-stdin"
            },
            "",
            "--password-stdin read no password"),
        Arguments.of(
            new String[] {"push", "--registry", "r.example/x", "--task-definition-out", "t.json"},
            "",
            "--task-definition-out"),
        Arguments.of(
            new String[] {
              "push",
              "--deployment",
              "prod-acme",
              "--region",
              "eu-west-1",
              "--username",
              "AWS",
              "--password-stdin"
            },
            "pw\n",
            "a deployment uses ECR's token"),
        Arguments.of(
            new String[] {"push", "--registry", "r.example/x", "--base-image", "python=python:3"},
            "",
            "--base-image 'python' is not a base: use java, prometheus or grafana"),
        Arguments.of(
            new String[] {"push", "--registry", "r.example/x", "--base-image", "java="},
            "",
            "--base-image java= has no image reference"),
        Arguments.of(
            new String[] {"push", "--registry", "r.example/x", "--no-such-flag"},
            "",
            "Unknown option: '--no-such-flag'"));
  }

  @ParameterizedTest
  @MethodSource("badInput")
  void bad_input_exits_2_with_what_and_why(String[] args, String stdin, String message) {
    Run run = run(stdin, args);

    assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
    assertThat(run.err()).contains(message).doesNotContain("Exception").doesNotContain("\tat ");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void a_failed_deployment_lookup_exits_1_naming_the_lookup_that_failed_and_no_stack_trace()
      throws Exception {
    String closed = "http://127.0.0.1:" + gifmachine.cli.testing.FreePorts.loopback();
    Run run =
        run(
            "",
            "push",
            "-e",
            "prod",
            "-c",
            "acme",
            "--region",
            "eu-west-1",
            "--endpoint-url",
            closed);

    assertThat(run.exitCode()).as(run.err()).isEqualTo(1);
    assertThat(run.err())
        .contains("looking up the repositories of prod-acme failed: ")
        .doesNotContain("closing the AWS clients")
        .doesNotContain("\tat ");
  }

  @Test
  void images_is_registered_in_main() {
    assertThat(Main.commandLine().getSubcommands()).containsKey("images");
    assertThat(Main.commandLine().getSubcommands().get("images").getSubcommands())
        .containsKey("push");
  }
}
