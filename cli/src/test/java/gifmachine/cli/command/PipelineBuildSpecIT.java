package gifmachine.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import gifmachine.cli.aws.Aws;
import gifmachine.cli.image.BaseImage;
import gifmachine.cli.image.ImageFixturesAccess;
import gifmachine.cli.image.ImagePlatform;
import gifmachine.cli.testing.MotoServer;
import gifmachine.infra.DeploymentConfig;
import gifmachine.infra.ImageName;
import gifmachine.infra.ImageSet;
import gifmachine.infra.Infrastructure;
import gifmachine.infra.StackPart;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline's build, run here: the build-phase commands are read out of the synthesized pipeline
 * stack's buildspec (so this test cannot drift from what CodeBuild runs) and run with bash in a
 * copy of this checkout without {@code .git}, as CodeBuild sees {@code source.zip}: the Maven
 * build, then {@code images push} against a registry stack in moto whose repositories are a
 * loopback docker-registry. What differs from CodeBuild is only what loopback needs, each added
 * here and nowhere else: Maven offline ({@code MAVEN_ARGS=-o}: the shared ~/.m2 has every
 * dependency), {@code --insecure-registry} (plain HTTP), test base images from that registry
 * ({@code --base-image}: no public registry is reachable), and a writable layer cache instead of
 * CodeBuild's {@code /root/.cache}.
 */
class PipelineBuildSpecIT {

  /** What CodePipeline passes as #{SourceVariables.ETag}; the quotes are stripped by the build. */
  static final String ETAG = "\"9b2cf535f27731c974343645a3985328\"";

  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path directory;

  @Test
  void
      the_buildspecs_build_phase_builds_the_cli_and_pushes_every_image_tagged_with_the_source_etag()
          throws Exception {
    DeploymentConfig config =
        DeploymentConfig.builder("it", "acme", "us-east-1")
            .images(ImageSet.of(ImageName::repositoryName))
            .build();
    JsonNode buildSpec = buildSpec(config);
    List<String> commands = new ArrayList<>();
    buildSpec.path("phases").path("build").path("commands").forEach(c -> commands.add(c.asText()));
    assertThat(commands).hasSize(2);
    assertThat(commands.get(1))
        .contains(" images push --deployment it-acme --region us-east-1 --platform arm64");

    ImagePlatform platform = ImagePlatform.ARM64;
    MotoServer.CREDENTIALS.forEach(System::setProperty);
    MotoServer.Endpoint moto = MotoServer.start();
    try (ImageFixturesAccess fixtures =
            ImageFixturesAccess.start(directory.resolve("fixtures"), platform);
        Aws aws = moto.connect("us-east-1")) {
      registryStack(aws, config, fixtures.host());
      Path source = sourceArchive(Files.createDirectories(directory.resolve("source")));
      Map<String, String> environment =
          new HashMap<>(
              Map.of(
                  "SOURCE_ETAG",
                  ETAG,
                  "MAVEN_ARGS",
                  "-o",
                  "AWS_ENDPOINT_URL",
                  moto.url(),
                  "AWS_ACCESS_KEY_ID",
                  "testing",
                  "AWS_SECRET_ACCESS_KEY",
                  "testing",
                  "AWS_CONFIG_FILE",
                  directory.resolve("no-aws-config").toString()));
      String loopbackOnly =
          " --insecure-registry"
              + " --base-image java="
              + fixtures.baseReference(BaseImage.JAVA, platform)
              + " --base-image prometheus="
              + fixtures.baseReference(BaseImage.PROMETHEUS, platform)
              + " --base-image grafana="
              + fixtures.baseReference(BaseImage.GRAFANA, platform);

      long started = System.nanoTime();
      for (String command : commands) {
        String local =
            command
                .replace(" images push ", " images push" + loopbackOnly + " ")
                .replace(
                    "--cache-dir /root/.cache/",
                    "--cache-dir " + directory.resolve("image-cache") + "/");
        run(local, source, environment);
      }
      System.out.printf(
          "buildspec build phase: %d s%n",
          TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));

      buildSpec
          .path("artifacts")
          .path("files")
          .forEach(
              file ->
                  assertThat(source.resolve(file.asText())).as("artifact " + file).isRegularFile());
      JsonNode pushed = JSON.readTree(source.resolve("images.json").toFile());
      assertThat(pushed.path("platform").asText()).isEqualTo("linux/arm64");
      for (ImageName image : ImageName.values()) {
        JsonNode entry = pushed.path("images").path(image.repositoryName());
        String repository = "it-acme/" + image.repositoryName();
        assertThat(entry.path("repository").asText()).isEqualTo(fixtures.host() + "/" + repository);
        assertThat(entry.path("tags").get(0).asText()).isEqualTo("9b2cf535f277-arm64");
        String digest = entry.path("digest").asText();
        assertThat(fixtures.manifestDigest(repository, "9b2cf535f277-arm64")).isEqualTo(digest);
        assertThat(entry.path("reference").asText())
            .isEqualTo(fixtures.host() + "/" + repository + "@" + digest);
      }
    } finally {
      moto.close();
    }
  }

  /** The pipeline stack's image build project's buildspec, as CodeBuild gets it. */
  private static JsonNode buildSpec(DeploymentConfig config) throws IOException {
    JsonNode template =
        JSON.readTree(
            Infrastructure.synthesize(config)
                .stack(StackPart.PIPELINE)
                .orElseThrow()
                .templateBody());
    List<JsonNode> specs = new ArrayList<>();
    template
        .path("Resources")
        .forEach(
            resource -> {
              if (resource.path("Type").asText().equals("AWS::CodeBuild::Project")) {
                String spec = resource.path("Properties").path("Source").path("BuildSpec").asText();
                if (spec.contains(" images push ")) {
                  specs.add(readTree(spec));
                }
              }
            });
    assertThat(specs).as("projects that push images").hasSize(1);
    return specs.getFirst();
  }

  private static JsonNode readTree(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new IllegalStateException("the buildspec is not JSON: " + text, e);
    }
  }

  /** The registry stack in moto, its repository outputs on the loopback registry. */
  private static void registryStack(Aws aws, DeploymentConfig config, String host) {
    StringBuilder outputs = new StringBuilder();
    for (ImageName image : ImageName.values()) {
      outputs
          .append("\"")
          .append(image.repositoryOutput())
          .append("\":{\"Value\":\"")
          .append(host)
          .append("/")
          .append(config.deploymentName())
          .append("/")
          .append(image.repositoryName())
          .append("\"},");
    }
    aws.cloudFormation()
        .createStack(
            config.stackName(StackPart.REGISTRY),
            "{\"Resources\":{\"Marker\":{\"Type\":\"AWS::S3::Bucket\"}},\"Outputs\":{"
                + outputs.substring(0, outputs.length() - 1)
                + "}}",
            Map.of());
  }

  /**
   * This checkout's files as {@code release} would archive them: tracked and new files of the
   * working tree, executable bits kept, no {@code .git} and no build output.
   */
  private static Path sourceArchive(Path target) throws Exception {
    Path checkout = Path.of("").toAbsolutePath().getParent();
    Process git =
        new ProcessBuilder(
                "git",
                "-C",
                checkout.toString(),
                "ls-files",
                "-z",
                "-c",
                "-o",
                "--exclude-standard")
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String listing = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(git.waitFor()).isZero();
    for (String file : listing.split("\0")) {
      Path from = checkout.resolve(file);
      if (!file.isEmpty() && Files.isRegularFile(from)) {
        Path to = target.resolve(file);
        Files.createDirectories(to.getParent());
        Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
      }
    }
    assertThat(target.resolve("mvnw")).isExecutable();
    assertThat(target.resolve(".git")).doesNotExist();
    return target;
  }

  private static void run(String command, Path directory, Map<String, String> environment)
      throws Exception {
    Path log = Files.createTempFile("buildspec-", ".log");
    ProcessBuilder builder =
        new ProcessBuilder("bash", "-e", "-o", "pipefail", "-c", command)
            .directory(directory.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().putAll(environment);
    Process process = builder.start();
    try {
      // A bound, not a measurement: a build that hangs fails here instead of holding CI.
      boolean ended = process.waitFor(15, TimeUnit.MINUTES);
      String output = Files.readString(log);
      assertThat(ended).as("still running after 15 min: " + command).isTrue();
      assertThat(process.exitValue()).as(command + "\n" + tail(output)).isZero();
    } finally {
      process.destroyForcibly();
      Files.deleteIfExists(log);
    }
  }

  private static String tail(String output) {
    String[] lines = output.split("\n");
    return String.join(
        "\n", java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - 40), lines.length));
  }
}
