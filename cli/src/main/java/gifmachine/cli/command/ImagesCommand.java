package gifmachine.cli.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gifmachine.cli.aws.AwsConnector;
import gifmachine.cli.aws.AwsSettings;
import gifmachine.cli.image.AwsDeploymentTargets;
import gifmachine.cli.image.BaseImage;
import gifmachine.cli.image.BaseImages;
import gifmachine.cli.image.DeploymentFiles;
import gifmachine.cli.image.DeploymentTargets;
import gifmachine.cli.image.ImageName;
import gifmachine.cli.image.ImagePlatform;
import gifmachine.cli.image.ImagePublishException;
import gifmachine.cli.image.ImagePublisher;
import gifmachine.cli.image.ImageSources;
import gifmachine.cli.image.PublishedImage;
import gifmachine.cli.image.RegistryCredentials;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code gifmachine-on-aws images push}: builds the five images with Jib (no Docker) from a
 * checkout whose jars are built, and pushes them. CodeBuild runs it in the pipeline; it is
 * useful alone too, e.g. against a local registry:
 *
 * <pre>{@code
 * ./mvnw -B -pl cli -am package -DskipTests
 * java -jar cli/target/cli-0.1.0-SNAPSHOT-all.jar images push \
 *     --registry 127.0.0.1:5000/dev --insecure-registry --platform amd64 --output json
 * aws ecr get-login-password | java -jar cli/target/cli-0.1.0-SNAPSHOT-all.jar images push \
 *     --registry 123456789012.dkr.ecr.eu-west-1.amazonaws.com/prod-acme --username AWS --password-stdin
 * }</pre>
 *
 * <p>Exit codes: 0 pushed, 1 a build or push failed, 2 bad usage.
 */
@Command(
    name = "images",
    description = "Build and push the container images (Jib, no Docker daemon).",
    mixinStandardHelpOptions = true,
    subcommands = {ImagesCommand.Push.class})
public final class ImagesCommand {

  /**
   * {@code --deployment} in production: the CLI's AWS gateways, with the SDK's default
   * credential chain and {@code AWS_ENDPOINT_URL} for emulators.
   */
  static DeploymentTargets.Factory aws(Map<String, String> environment) {
    return (deployment, region) -> new AwsDeploymentTargets(
        AwsConnector.connect(new AwsSettings(region, environment.getOrDefault("AWS_PROFILE", ""),
            environment.getOrDefault("AWS_ENDPOINT_URL", ""))),
        deployment);
  }

  private final InputStream stdin;
  private final Map<String, String> environment;
  private final DeploymentTargets.Factory deployments;
  private final BaseImages bases;

  /** What production runs: standard input, the process environment, the official bases. */
  public ImagesCommand() {
    this(System.in, System.getenv(), aws(System.getenv()), BaseImages.official());
  }

  public ImagesCommand(
      InputStream stdin,
      Map<String, String> environment,
      DeploymentTargets.Factory deployments,
      BaseImages bases) {
    this.stdin = stdin;
    this.environment = Map.copyOf(environment);
    this.deployments = deployments;
    this.bases = bases;
  }

  /** {@code images push}. */
  @Command(
      name = "push",
      mixinStandardHelpOptions = true,
      description = {
        "Build every image and push it to a registry; print the digests.",
        "Repositories: --registry PREFIX (PREFIX/gifmachine, PREFIX/csidecar, …) or "
            + "--deployment ENV-COMPANY --region REGION (the registry stack's outputs)."
      })
  static final class Push implements java.util.concurrent.Callable<Integer> {

    @ParentCommand ImagesCommand parent;
    @Spec CommandSpec spec;

    @Option(names = "--registry", paramLabel = "PREFIX",
        description = "Repository URI prefix, e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com/prod-acme")
    String registry = "";

    @Option(names = "--deployment", paramLabel = "ENV-COMPANY",
        description = "Take repositories and credentials from this deployment's stacks")
    String deployment = "";

    @Option(names = "--region", description = "AWS region of --deployment")
    String region = "";

    @Option(names = "--username", description = "Registry user (ECR: AWS); default: anonymous")
    String username = "";

    @Option(names = "--password-stdin", description = "Read the registry password from standard input")
    boolean passwordStdin;

    @Option(names = "--platform", paramLabel = "arm64|amd64",
        description = "CPU architecture of the tasks (Graviton: arm64); default: this machine's")
    String platform = System.getProperty("os.arch");

    @Option(names = "--images", split = ",", paramLabel = "NAME",
        description = "Which images (default: all): gifmachine, csidecar, cdepot, prometheus, grafana")
    List<String> images = new ArrayList<>();

    @Option(names = "--repository-root", paramLabel = "DIR",
        description = "Checkout with built jars and monitoring/ (default: the launcher's checkout, else the working directory)")
    Path repositoryRoot = CliContext.repositoryRoot();

    @Option(names = "--revision", description = "Source revision for the image label and tag "
        + "(default: $CODEBUILD_RESOLVED_SOURCE_VERSION, else git rev-parse HEAD)")
    String revision = "";

    @Option(names = "--tag", description = "Tags to push (default: the revision and latest)")
    List<String> tags = new ArrayList<>();

    @Option(names = "--cache-dir", paramLabel = "DIR",
        description = "Layer cache between runs (default: ~/.cache/gifmachine-on-aws/images)")
    Path cacheDirectory = Path.of(System.getProperty("user.home"), ".cache", "gifmachine-on-aws", "images");

    @Option(names = "--base-image", paramLabel = "KIND=REF",
        description = "Override a base image (java, prometheus, grafana), e.g. a mirror: "
            + "java=public.ecr.aws/docker/library/eclipse-temurin:21-jre")
    Map<String, String> baseImages = new LinkedHashMap<>();

    @Option(names = "--insecure-registry", description = "Allow a plain-HTTP registry (local tests only)")
    boolean insecureRegistry;

    @Option(names = "--task-definition-template", paramLabel = "FILE",
        description = "Task definition JSON to update, as aws ecs describe-task-definition prints it")
    Path taskDefinitionTemplate;

    @Option(names = "--task-definition-out", paramLabel = "FILE",
        description = "Write the task definition with the new gifmachine and csidecar digests")
    Path taskDefinitionOut;

    @Option(names = "--appspec-out", paramLabel = "FILE", description = "Write CodeDeploy's ECS appspec")
    Path appSpecOut;

    @Option(names = "--output", paramLabel = "text|json", description = "Output format (default: text)")
    String output = "text";

    @Option(names = "--verbose", description = "Show stack traces of failures")
    boolean verbose;

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      Settings settings = validate();
      try {
        Map<ImageName, String> repositories = new EnumMap<>(ImageName.class);
        RegistryCredentials credentials;
        String template = "";
        if (deployment.isEmpty()) {
          settings.images().forEach(image -> repositories.put(image, stripSlash(registry) + "/" + image.repositoryName()));
          credentials = settings.credentials();
          if (taskDefinitionOut != null) {
            template = readTemplate();
          }
        } else {
          try (DeploymentTargets targets = parent.deployments.open(deployment, region)) {
            Map<ImageName, String> known = targets.repositories();
            for (ImageName image : settings.images()) {
              repositories.put(image, java.util.Optional.ofNullable(known.get(image)).orElseThrow(() ->
                  new ImagePublishException("looking up the " + image.repositoryName() + " repository failed: the "
                      + deployment + "-registry stack has no output for it; run gifmachine-on-aws up first")));
            }
            credentials = targets.credentials();
            if (taskDefinitionOut != null) {
              template = taskDefinitionTemplate == null ? targets.currentTaskDefinition() : readTemplate();
            }
          } catch (ImagePublishException e) {
            throw e;
          } catch (Exception e) {
            throw new ImagePublishException("closing the AWS clients failed: " + e.getMessage(), e);
          }
        }

        String sourceRevision = revision.isEmpty() ? detectRevision() : revision;
        List<String> pushTags = tags.isEmpty() ? defaultTags(sourceRevision) : tags;
        ImagePublisher publisher = new ImagePublisher(
            new ImageSources(repositoryRoot), settings.bases(),
            new ImagePublisher.Options(settings.platform(), cacheDirectory, sourceRevision, pushTags, insecureRegistry),
            line -> err.println(line));
        err.println("images: building " + repositories.size() + " image(s) for " + settings.platform().label()
            + " from " + repositoryRoot.toAbsolutePath().normalize());
        Map<ImageName, PublishedImage> published = publisher.publishAll(repositories, credentials);

        if (taskDefinitionOut != null) {
          Map<String, String> containers = new LinkedHashMap<>();
          for (ImageName image : List.of(ImageName.GIFMACHINE, ImageName.CSIDECAR)) {
            if (published.containsKey(image)) {
              containers.put(image.repositoryName(), published.get(image).reference());
            }
          }
          write(taskDefinitionOut, DeploymentFiles.taskDefinition(template, containers));
        }
        if (appSpecOut != null) {
          write(appSpecOut, DeploymentFiles.appSpec(ImageName.GIFMACHINE.repositoryName(), ImageName.GIFMACHINE.port()));
        }
        print(out, settings.platform(), published);
        err.println("images: done. Next: gifmachine-on-aws up (or let the pipeline deploy taskdef.json)");
        return 0;
      } catch (ImagePublishException e) {
        err.println(e.getMessage());
        if (verbose) {
          e.printStackTrace(err);
        }
        return 1;
      }
    }

    private record Settings(
        ImagePlatform platform, List<ImageName> images, RegistryCredentials credentials, BaseImages bases) {}

    private Settings validate() {
      if (registry.isEmpty() == deployment.isEmpty()) {
        throw usage("images push: no repositories: give either --registry PREFIX or --deployment ENV-COMPANY --region REGION");
      }
      if (!deployment.isEmpty() && region.isEmpty()) {
        throw usage("images push: --deployment needs --region: the repositories live in one region");
      }
      if (!registry.isEmpty() && (registry.contains("://") || registry.contains("@") || registry.isBlank())) {
        throw usage("images push: --registry '" + registry + "' is not a repository prefix: "
            + "write it as host[:port]/path, without a scheme, e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com/prod-acme");
      }
      if (!output.equals("text") && !output.equals("json")) {
        throw usage("images push: --output '" + output + "' is not a format: use text or json");
      }
      ImagePlatform chosen = ImagePlatform.parse(platform).orElseThrow(() ->
          usage("images push: --platform '" + platform + "' is not supported: use arm64 (Graviton) or amd64"));
      List<ImageName> chosenImages = new ArrayList<>();
      for (String name : images) {
        ImageName image = ImageName.fromRepositoryName(name).orElseThrow(() ->
            usage("images push: --images '" + name + "' is not an image: use gifmachine, csidecar, cdepot, prometheus, grafana"));
        chosenImages.add(image);
      }
      if (chosenImages.isEmpty()) {
        chosenImages.addAll(List.of(ImageName.values()));
      }
      if (taskDefinitionOut != null && deployment.isEmpty() && taskDefinitionTemplate == null) {
        throw usage("images push: --task-definition-out needs --task-definition-template FILE with --registry "
            + "(with --deployment the service's current task definition is used)");
      }
      if (!deployment.isEmpty() && (passwordStdin || !username.isEmpty())) {
        throw usage("images push: --username/--password-stdin go with --registry; --deployment uses ECR's token");
      }
      if (passwordStdin && username.isEmpty()) {
        throw usage("images push: --password-stdin needs --username (for ECR: AWS)");
      }
      RegistryCredentials credentials = RegistryCredentials.anonymous();
      if (!username.isEmpty()) {
        if (!passwordStdin) {
          throw usage("images push: --username needs --password-stdin: passwords are never taken as arguments");
        }
        credentials = new RegistryCredentials(username, readPassword());
      }
      return new Settings(chosen, List.copyOf(chosenImages), credentials, bases());
    }

    private BaseImages bases() {
      if (baseImages.isEmpty()) {
        return parent.bases;
      }
      Map<BaseImage, String> references = new EnumMap<>(BaseImages.OFFICIAL);
      baseImages.forEach((kind, reference) -> {
        BaseImage base = java.util.Arrays.stream(BaseImage.values())
            .filter(value -> value.name().equalsIgnoreCase(kind.strip())).findFirst()
            .orElseThrow(() -> usage("images push: --base-image '" + kind + "' is not a base: use java, prometheus or grafana"));
        if (reference.isBlank()) {
          throw usage("images push: --base-image " + kind + "= has no image reference");
        }
        references.put(base, reference.strip());
      });
      return BaseImages.references(references);
    }

    private String readPassword() {
      try {
        String line = new BufferedReader(new InputStreamReader(parent.stdin, StandardCharsets.UTF_8)).readLine();
        if (line == null || line.strip().isEmpty()) {
          throw usage("images push: --password-stdin read no password: pipe it in, e.g. aws ecr get-login-password | …");
        }
        return line.strip();
      } catch (IOException e) {
        throw usage("images push: reading the password from standard input failed: " + e.getMessage());
      }
    }

    private String readTemplate() throws ImagePublishException {
      try {
        return Files.readString(taskDefinitionTemplate);
      } catch (IOException e) {
        throw new ImagePublishException("reading " + taskDefinitionTemplate + " failed: " + e.getMessage());
      }
    }

    private String detectRevision() {
      String fromBuild = parent.environment.getOrDefault("CODEBUILD_RESOLVED_SOURCE_VERSION", "");
      if (!fromBuild.isBlank()) {
        return fromBuild.strip();
      }
      try {
        Process git = new ProcessBuilder("git", "-C", repositoryRoot.toString(), "rev-parse", "HEAD")
            .redirectErrorStream(true).start();
        String head = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (git.waitFor(10, TimeUnit.SECONDS) && git.exitValue() == 0 && head.matches("[0-9a-f]{40}")) {
          return head;
        }
      } catch (IOException e) {
        // no git: the source zip of the pipeline has no .git either
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return "unknown";
    }

    private static List<String> defaultTags(String revision) {
      // The revision tag keeps each pushed image tagged, so ECR's untagged-image expiry never
      // removes an image a task definition still names by digest.
      return revision.equals("unknown")
          ? List.of("latest")
          : List.of(revision.substring(0, Math.min(12, revision.length())), "latest");
    }

    private void print(PrintWriter out, ImagePlatform chosen, Map<ImageName, PublishedImage> published) {
      if (output.equals("json")) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("platform", chosen.label());
        ObjectNode imagesNode = root.putObject("images");
        published.forEach((image, result) -> {
          ObjectNode node = imagesNode.putObject(image.repositoryName());
          node.put("repository", result.repository());
          node.put("digest", result.digest());
          node.put("reference", result.reference());
          node.put("layersPushed", result.layersPushed());
          node.put("blobsPushed", result.blobsPushed());
          node.putPOJO("tags", result.tags());
        });
        out.println(root.toPrettyString());
      } else {
        published.forEach((image, result) -> out.printf(Locale.ROOT, "%-11s %s  %s%n", image.repositoryName(),
            result.reference(), result.layersPushed() ? "pushed" : "unchanged"));
      }
      out.flush();
    }

    private void write(Path file, String content) throws ImagePublishException {
      try {
        Path parentDirectory = file.toAbsolutePath().getParent();
        if (parentDirectory != null) {
          Files.createDirectories(parentDirectory);
        }
        Files.writeString(file, content);
      } catch (IOException e) {
        throw new ImagePublishException("writing " + file + " failed: " + e.getMessage());
      }
    }

    private ParameterException usage(String message) {
      return new ParameterException(spec.commandLine(), message);
    }

    private static String stripSlash(String prefix) {
      return prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    }
  }
}
