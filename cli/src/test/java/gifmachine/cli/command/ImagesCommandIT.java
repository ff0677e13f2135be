package gifmachine.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gifmachine.cli.aws.Aws;
import gifmachine.cli.image.BaseImages;
import gifmachine.cli.testing.MotoServer;
import gifmachine.cli.image.DeploymentTargets;
import gifmachine.cli.image.ImageFixturesAccess;
import gifmachine.cli.image.ImageName;
import gifmachine.cli.image.RegistryCredentials;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
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

  static final DeploymentTargets.Factory NO_DEPLOYMENTS = (deployment, region) -> {
    throw new AssertionError("--registry must not look up a deployment");
  };

  static Run run(DeploymentTargets.Factory deployments, String... args) {
    CommandLine command = new CommandLine(new ImagesCommand(new ByteArrayInputStream(new byte[0]),
        Map.of("CODEBUILD_RESOLVED_SOURCE_VERSION", "feedfacecafebeef0000111122223333deadbeef"), deployments, bases));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    command.setOut(new PrintWriter(out, true));
    command.setErr(new PrintWriter(err, true));
    return new Run(command.execute(args), out.toString(), err.toString());
  }

  @Test
  void push_with_a_registry_prints_json_digests_and_writes_the_pipeline_files() throws Exception {
    Path template = Files.writeString(directory.resolve("current-taskdef.json"),
        "{\"family\":\"dev-gifmachine\",\"revision\":3,\"containerDefinitions\":["
            + "{\"name\":\"gifmachine\",\"image\":\"old\"},{\"name\":\"csidecar\",\"image\":\"old\"}]}");
    Path taskdef = directory.resolve("out/taskdef.json");
    Path appspec = directory.resolve("out/appspec.yaml");
    String[] args = {"push", "--registry", fixtures.host() + "/cmd", "--insecure-registry", "--platform", "amd64",
        "--images", "gifmachine,csidecar", "--repository-root", root.toString(),
        "--cache-dir", directory.resolve("cache").toString(), "--output", "json",
        "--task-definition-template", template.toString(), "--task-definition-out", taskdef.toString(),
        "--appspec-out", appspec.toString()};

    Run first = run(NO_DEPLOYMENTS, args);

    assertThat(first.exitCode()).as(first.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(first.out());
    assertThat(json.path("platform").asText()).isEqualTo("linux/amd64");
    JsonNode gifmachine = json.path("images").path("gifmachine");
    String digest = gifmachine.path("digest").asText();
    assertThat(fixtures.manifestDigest("cmd/gifmachine", digest)).isEqualTo(digest);
    assertThat(fixtures.manifestDigest("cmd/gifmachine", "feedfacecafe")).as("revision tag").isEqualTo(digest);
    assertThat(gifmachine.path("layersPushed").asBoolean()).isTrue();
    assertThat(json.path("images").has("cdepot")).isFalse();

    JsonNode task = new ObjectMapper().readTree(Files.readString(taskdef));
    assertThat(task.has("revision")).isFalse();
    assertThat(task.path("containerDefinitions").get(0).path("image").asText())
        .isEqualTo(fixtures.host() + "/cmd/gifmachine@" + digest);
    assertThat(task.path("containerDefinitions").get(1).path("image").asText())
        .isEqualTo(json.path("images").path("csidecar").path("reference").asText());
    assertThat(Files.readString(appspec)).contains("ContainerName: \"gifmachine\"").contains("ContainerPort: 4567");

    Run again = run(NO_DEPLOYMENTS, args);
    assertThat(again.exitCode()).isZero();
    JsonNode second = new ObjectMapper().readTree(again.out());
    assertThat(second.path("images").path("gifmachine").path("digest").asText()).isEqualTo(digest);
    assertThat(second.path("images").path("gifmachine").path("layersPushed").asBoolean()).isFalse();
  }

  @Test
  void push_with_a_deployment_takes_repositories_credentials_and_task_definition_from_it() throws Exception {
    Map<ImageName, String> repositories = new EnumMap<>(ImageName.class);
    for (ImageName image : ImageName.values()) {
      repositories.put(image, fixtures.host() + "/prod-acme/" + image.repositoryName());
    }
    DeploymentTargets.Factory deployments = (deployment, region) -> {
      assertThat(deployment).isEqualTo("prod-acme");
      assertThat(region).isEqualTo("eu-west-1");
      return new DeploymentTargets() {
        @Override public Map<ImageName, String> repositories() { return repositories; }
        @Override public RegistryCredentials credentials() { return RegistryCredentials.anonymous(); }
        @Override public String currentTaskDefinition() {
          return "{\"taskDefinition\":{\"family\":\"prod-acme-gifmachine\",\"containerDefinitions\":"
              + "[{\"name\":\"gifmachine\",\"image\":\"old\"}]}}";
        }
      };
    };
    Path taskdef = directory.resolve("deployment/taskdef.json");

    Run run = run(deployments, "push", "--deployment", "prod-acme", "--region", "eu-west-1", "--insecure-registry",
        "--platform", "amd64", "--images", "cdepot,gifmachine", "--repository-root", root.toString(),
        "--cache-dir", directory.resolve("cache").toString(), "--task-definition-out", taskdef.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).containsPattern("cdepot\\s+" + fixtures.host() + "/prod-acme/cdepot@sha256:[0-9a-f]{64}  pushed")
        .containsPattern("gifmachine\\s+" + fixtures.host() + "/prod-acme/gifmachine@sha256:[0-9a-f]{64}");
    assertThat(Files.readString(taskdef)).contains(fixtures.host() + "/prod-acme/gifmachine@sha256:");
    assertThat(run.err()).contains("images: building 2 image(s) for linux/amd64");
  }

  @Test
  void push_with_a_deployment_reads_the_registry_stack_and_ecr_login_through_the_aws_gateways() throws Exception {
    MotoServer.CREDENTIALS.forEach(System::setProperty);
    MotoServer.Endpoint moto = MotoServer.start();
    try (Aws aws = moto.connect("us-east-1")) {
      StringBuilder outputs = new StringBuilder();
      for (ImageName image : ImageName.values()) {
        String key = image.repositoryOutput();
        outputs.append("\"").append(key).append("\":{\"Value\":\"").append(fixtures.host())
            .append("/moto-acme/").append(image.repositoryName()).append("\"},");
      }
      aws.cloudFormation().createStack("moto-acme-registry",
          "{\"Resources\":{\"Marker\":{\"Type\":\"AWS::S3::Bucket\"}},\"Outputs\":{"
              + outputs.substring(0, outputs.length() - 1) + "}}",
          Map.of());
      DeploymentTargets.Factory viaMoto = ImagesCommand.aws(Map.of("AWS_ENDPOINT_URL", moto.url()));

      Run run = run(viaMoto, "push", "--deployment", "moto-acme", "--region", "us-east-1", "--insecure-registry",
          "--platform", "amd64", "--images", "cdepot", "--repository-root", root.toString(),
          "--cache-dir", directory.resolve("cache").toString(), "--output", "json");

      assertThat(run.exitCode()).as(run.err()).isZero();
      String digest = new ObjectMapper().readTree(run.out()).path("images").path("cdepot").path("digest").asText();
      assertThat(fixtures.manifestDigest("moto-acme/cdepot", digest)).isEqualTo(digest);

      Run noTemplate = run(viaMoto, "push", "--deployment", "moto-acme", "--region", "us-east-1", "--insecure-registry",
          "--platform", "amd64", "--images", "cdepot", "--repository-root", root.toString(),
          "--task-definition-out", directory.resolve("never.json").toString());
      assertThat(noTemplate.exitCode()).isEqualTo(1);
      assertThat(noTemplate.err()).contains("reading the current task definition of moto-acme failed: ")
          .contains("--task-definition-template");

      Run missing = run(viaMoto, "push", "--deployment", "nobody-here", "--region", "us-east-1", "--images", "cdepot",
          "--repository-root", root.toString());
      assertThat(missing.exitCode()).isEqualTo(1);
      assertThat(missing.err()).contains("looking up the repositories of nobody-here failed: there is no stack "
          + "nobody-here-registry; run gifmachine-on-aws up first");
    } finally {
      moto.close();
    }
  }
}
