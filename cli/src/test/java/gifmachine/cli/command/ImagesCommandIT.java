package gifmachine.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gifmachine.cli.aws.Aws;
import gifmachine.cli.image.BaseImages;
import gifmachine.cli.image.ImageFixturesAccess;
import gifmachine.cli.testing.MotoServer;
import gifmachine.infra.ImageName;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code images push} end to end against docker-registry on loopback. */
class ImagesCommandIT {

  @TempDir static Path directory;
  static ImageFixturesAccess fixtures;
  static BaseImages bases;
  static Path root;

  @BeforeAll
  static void start() throws Exception {
    fixtures = ImageFixturesAccess.start(directory);
    bases = fixtures.bases();
    root = fixtures.root();
  }

  @AfterAll
  static void stop() throws Exception {
    fixtures.close();
  }

  record Run(int exitCode, String out, String err) {}

  static Run run(String... args) {
    CommandLine command =
        new CommandLine(
            new ImagesCommand(
                new CliRunner(directory).context(), new ByteArrayInputStream(new byte[0]), bases));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    command.setOut(new PrintWriter(out, true));
    command.setErr(new PrintWriter(err, true));
    return new Run(command.execute(args), out.toString(), err.toString());
  }

  /**
   * {@code push} of cdepot at one revision through the AWS endpoint in us-east-1, to the deployment
   * that {@code more} names.
   */
  static String[] pushCdepot(String endpoint, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "push",
                "--region",
                "us-east-1",
                "--endpoint-url",
                endpoint,
                "--insecure-registry",
                "--platform",
                "amd64",
                "--images",
                "cdepot",
                "--repository-root",
                root.toString(),
                "--revision",
                "0123456789ab",
                "--cache-dir",
                directory.resolve("cache").toString()));
    args.addAll(List.of(more));
    return args.toArray(String[]::new);
  }

  @Test
  void push_with_a_registry_prints_json_digests_and_an_unchanged_revision_is_not_pushed_again()
      throws Exception {
    String[] args = {
      "push",
      "--registry",
      fixtures.host() + "/cmd",
      "--insecure-registry",
      "--platform",
      "amd64",
      "--images",
      "gifmachine,csidecar",
      "--repository-root",
      root.toString(),
      "--revision",
      "feedfacecafebeef0000111122223333deadbeef",
      "--cache-dir",
      directory.resolve("cache").toString(),
      "--output",
      "json"
    };

    Run first = run(args);

    assertThat(first.exitCode()).as(first.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(first.out());
    assertThat(json.path("platform").asText()).isEqualTo("linux/amd64");
    JsonNode gifmachine = json.path("images").path("gifmachine");
    String digest = gifmachine.path("digest").asText();
    assertThat(fixtures.manifestDigest("cmd/gifmachine", digest)).isEqualTo(digest);
    assertThat(gifmachine.path("tags").get(0).asText()).isEqualTo("feedfacecafe-amd64");
    assertThat(fixtures.manifestDigest("cmd/gifmachine", "feedfacecafe-amd64"))
        .as("revision tag")
        .isEqualTo(digest);
    assertThat(gifmachine.path("layersPushed").asBoolean()).isTrue();
    assertThat(json.path("images").has("cdepot")).isFalse();

    Run again = run(args);
    assertThat(again.exitCode()).as(again.err()).isZero();
    JsonNode second = new ObjectMapper().readTree(again.out());
    assertThat(second.path("images").path("gifmachine").path("digest").asText()).isEqualTo(digest);
    assertThat(second.path("images").path("gifmachine").path("layersPushed").asBoolean()).isFalse();
    assertThat(again.err()).contains("tag feedfacecafe-amd64 already pushed, nothing built");
  }

  @Test
  void
      push_to_a_deployment_reads_the_registry_stack_and_ecr_login_through_the_context_with_its_endpoint()
          throws Exception {
    MotoServer.CREDENTIALS.forEach(System::setProperty);
    MotoServer.Endpoint moto = MotoServer.start();
    try (Aws aws = moto.connect("us-east-1")) {
      StringBuilder outputs = new StringBuilder();
      for (ImageName image : ImageName.values()) {
        String key = image.repositoryOutput();
        outputs
            .append("\"")
            .append(key)
            .append("\":{\"Value\":\"")
            .append(fixtures.host())
            .append("/moto-acme/")
            .append(image.repositoryName())
            .append("\"},");
      }
      aws.cloudFormation()
          .createStack(
              "moto-acme-registry",
              "{\"Resources\":{\"Marker\":{\"Type\":\"AWS::S3::Bucket\"}},\"Outputs\":{"
                  + outputs.substring(0, outputs.length() - 1)
                  + "}}",
              Map.of());

      Run run = run(pushCdepot(moto.url(), "-e", "moto", "-c", "acme", "--output", "json"));

      assertThat(run.exitCode()).as(run.err()).isZero();
      String digest =
          new ObjectMapper()
              .readTree(run.out())
              .path("images")
              .path("cdepot")
              .path("digest")
              .asText();
      assertThat(fixtures.manifestDigest("moto-acme/cdepot", digest)).isEqualTo(digest);

      Run byName = run(pushCdepot(moto.url(), "--deployment", "moto-acme"));
      assertThat(byName.exitCode()).as(byName.err()).isZero();
      assertThat(byName.out())
          .containsPattern(
              "cdepot\\s+" + fixtures.host() + "/moto-acme/cdepot@" + digest + "  unchanged");

      Run missing =
          run(
              "push",
              "--deployment",
              "nobody-here",
              "--region",
              "us-east-1",
              "--endpoint-url",
              moto.url(),
              "--images",
              "cdepot",
              "--repository-root",
              root.toString());
      assertThat(missing.exitCode()).isEqualTo(1);
      assertThat(missing.err())
          .contains(
              "looking up the repositories of nobody-here failed: there is no stack "
                  + "nobody-here-registry; run gifmachine-on-aws up first");
    } finally {
      moto.close();
    }
  }
}
