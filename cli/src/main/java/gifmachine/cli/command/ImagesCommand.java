package gifmachine.cli.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gifmachine.cli.aws.Aws;
import gifmachine.cli.aws.AwsSettings;
import gifmachine.cli.config.ConfigException;
import gifmachine.cli.config.ConfigResolver;
import gifmachine.cli.config.Setting;
import gifmachine.cli.config.Settings;
import gifmachine.cli.image.AotCacheTrainer;
import gifmachine.cli.image.AwsDeploymentTargets;
import gifmachine.cli.image.BaseImage;
import gifmachine.cli.image.BaseImages;
import gifmachine.cli.image.DeploymentTargets;
import gifmachine.cli.image.ImagePlatform;
import gifmachine.cli.image.ImagePublishException;
import gifmachine.cli.image.ImagePublisher;
import gifmachine.cli.image.ImageRevisions;
import gifmachine.cli.image.ImageSources;
import gifmachine.cli.image.PublishedImage;
import gifmachine.cli.image.RegistryCredentials;
import gifmachine.infra.ImageName;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code gifmachine-on-aws images push}: builds the five images with Jib (no Docker) from a
 * checkout whose jars are built, and pushes them, each under its own immutable revision tag ({@link
 * gifmachine.cli.image.ImageRevision}). {@code up} does the same on its own; this command is for a
 * registry of your choice or a deployment's repositories without deploying:
 *
 * <pre>{@code
 * ./mvnw -B -pl cli -am package -DskipTests
 * java -jar cli/target/cli-0.1.0-SNAPSHOT-all.jar images push \
 *     --registry 127.0.0.1:5000/dev --insecure-registry --platform amd64 --output json
 * java -jar cli/target/cli-0.1.0-SNAPSHOT-all.jar images push -e prod -c acme --region eu-west-1 --profile ops
 * }</pre>
 *
 * <p>With a deployment it reaches AWS like every other AWS command: through {@link CliContext}'s
 * connector, with {@code --profile}, {@code --endpoint-url}, {@code --config} and the environment
 * resolved the same way. Exit codes: 0 pushed, 1 a lookup, build or push failed, 2 bad usage.
 */
@Command(
    name = "images",
    description = "Build and push the container images (Jib, no Docker daemon).",
    mixinStandardHelpOptions = true,
    subcommands = {ImagesCommand.Push.class})
public final class ImagesCommand {

  private final CliContext context;
  private final InputStream stdin;
  private final BaseImages bases;

  /** What production runs: standard input and the pinned base images. */
  public ImagesCommand(CliContext context) {
    this(context, System.in, BaseImages.official());
  }

  public ImagesCommand(CliContext context, InputStream stdin, BaseImages bases) {
    this.context = context;
    this.stdin = stdin;
    this.bases = bases;
  }

  /** {@code images push}. */
  @Command(
      name = "push",
      mixinStandardHelpOptions = true,
      description = {
        "Build every image and push it to a registry; print the digests.",
        "Repositories: --registry PREFIX (PREFIX/gifmachine, PREFIX/csidecar, …) or "
            + "-e ENV -c COMPANY --region REGION, or --deployment ENV-COMPANY --region REGION "
            + "(the registry stack's outputs).",
        "Each image is tagged <last commit of its own sources>-<arch>; an image whose tag is "
            + "already in the repository is neither rebuilt nor pushed."
      })
  static final class Push implements java.util.concurrent.Callable<Integer> {

    @ParentCommand ImagesCommand parent;
    @Spec CommandSpec spec;

    @Option(
        names = "--registry",
        paramLabel = "PREFIX",
        description =
            "Repository URI prefix, e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com/prod-acme")
    String registry = "";

    @Option(
        names = "--deployment",
        paramLabel = "ENV-COMPANY",
        description =
            "Take repositories and credentials from this deployment's registry stack "
                + "(default with no --registry: --environment-company)")
    String deployment = "";

    @Mixin DeployOptions aws;

    @Option(names = "--username", description = "Registry user (ECR: AWS); default: anonymous")
    String username = "";

    @Option(
        names = "--password-stdin",
        description = "Read the registry password from standard input")
    boolean passwordStdin;

    @Option(
        names = "--platform",
        paramLabel = "arm64|amd64",
        description =
            "CPU architecture of the tasks (Graviton: arm64); default: the deployment's "
                + "(--graviton), with --registry this machine's")
    String platform = "";

    @Option(
        names = "--images",
        split = ",",
        paramLabel = "NAME",
        description =
            "Which images (default: all): gifmachine, csidecar, cdepot, prometheus, grafana")
    List<String> images = new ArrayList<>();

    @Option(
        names = "--repository-root",
        paramLabel = "DIR",
        description =
            "Checkout with built jars and monitoring/ (default: the launcher's checkout, else the working directory)")
    Path repositoryRoot = CliContext.repositoryRoot();

    @Option(
        names = "--revision",
        description =
            "One source revision for every image's label and tag, "
                + "for a source tree without .git (default: per image, the last commit that touched its sources)")
    String revision = "";

    @Option(
        names = "--cache-dir",
        paramLabel = "DIR",
        description = "Layer cache between runs (default: ~/.cache/gifmachine-on-aws/images)")
    Path cacheDirectory =
        Path.of(System.getProperty("user.home"), ".cache", "gifmachine-on-aws", "images");

    @Option(
        names = "--base-image",
        paramLabel = "KIND=REF",
        description =
            "Override a base image (java, prometheus, grafana), e.g. a mirror: "
                + "java=public.ecr.aws/docker/library/eclipse-temurin:25-jre")
    Map<String, String> baseImages = new LinkedHashMap<>();

    @Option(
        names = "--insecure-registry",
        description = "Allow a plain-HTTP registry (local tests only)")
    boolean insecureRegistry;

    @Option(
        names = "--aot-java",
        paramLabel = "JAVA",
        description =
            "Give the gifmachine image a JDK AOT cache, trained by one start of the app with this "
                + "java: the base image's own JVM (same build and architecture), see docs/images.md")
    Path aotJava;

    @Option(
        names = "--aot-env",
        paramLabel = "NAME=VALUE",
        description =
            "Environment of the training start, e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres "
                + "(a throwaway database) and DATABASE_SSLMODE=disable")
    Map<String, String> aotEnvironment = new LinkedHashMap<>();

    @Option(
        names = "--output",
        paramLabel = "text|json",
        description = "Output format (default: text)")
    String output = "text";

    @Override
    public Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      Choice choice = validate();
      try {
        Map<ImageName, String> repositories = new EnumMap<>(ImageName.class);
        RegistryCredentials credentials = choice.credentials();
        ImagePlatform target = choice.platform();
        if (choice.deployment().isEmpty()) {
          choice
              .images()
              .forEach(
                  image ->
                      repositories.put(image, stripSlash(registry) + "/" + image.repositoryName()));
        } else {
          credentials = lookUp(choice, repositories, err);
        }
        ImageSources sources = new ImageSources(repositoryRoot);
        ImageRevisions revisions =
            revision.isEmpty()
                ? ImageRevisions.git(sources, Clock.systemUTC())
                : ImageRevisions.fixed(revision);
        ImagePublisher.Options options =
            new ImagePublisher.Options(target, cacheDirectory, revisions, insecureRegistry);
        if (aotJava != null) {
          Map<String, String> training = new LinkedHashMap<>(aotEnvironment);
          training.putIfAbsent("GIFMACHINE_PASSWORD", UUID.randomUUID().toString());
          options =
              options.withAotCache(
                  ImageName.GIFMACHINE,
                  new AotCacheTrainer(
                      aotJava,
                      training,
                      AotCacheTrainer.GIFMACHINE_REQUESTS,
                      AotCacheTrainer.DEFAULT_TIMEOUT));
        }
        ImagePublisher publisher =
            new ImagePublisher(sources, choice.bases(), options, line -> err.println(line));
        err.println(
            "images: building "
                + repositories.size()
                + " image(s) for "
                + target.label()
                + " from "
                + sources.repositoryRoot());
        Map<ImageName, PublishedImage> published = publisher.publishAll(repositories, credentials);
        print(out, target, published);
        err.println("images: done. Next: gifmachine-on-aws up");
        return 0;
      } catch (ImagePublishException e) {
        err.println(e.getMessage());
        if (aws.verbosity.verbose()) {
          e.printStackTrace(err);
        }
        return 1;
      }
    }

    /** Repository URIs and an ECR login from the deployment's stacks, through the context's AWS. */
    private RegistryCredentials lookUp(
        Choice choice, Map<ImageName, String> repositories, PrintWriter err)
        throws ImagePublishException {
      Aws connection = parent.context.connector().apply(choice.aws());
      try {
        DeploymentTargets targets = new AwsDeploymentTargets(connection, choice.deployment());
        Map<ImageName, String> known = targets.repositories();
        for (ImageName image : choice.images()) {
          String uri = known.get(image);
          if (uri == null) {
            throw new ImagePublishException(
                "looking up the "
                    + image.repositoryName()
                    + " repository failed: the "
                    + choice.deployment()
                    + "-registry stack has no output for it; run gifmachine-on-aws up first");
          }
          repositories.put(image, uri);
        }
        return targets.credentials();
      } finally {
        try {
          connection.close();
        } catch (Exception e) {
          // The lookups are done; a client that does not close cleanly changes nothing pushed.
          err.println("images: closing the AWS clients failed: " + e.getMessage());
        }
      }
    }

    /** What to push where: validated input, before anything is built or AWS is called. */
    private record Choice(
        ImagePlatform platform,
        List<ImageName> images,
        RegistryCredentials credentials,
        BaseImages bases,
        String deployment,
        AwsSettings aws) {}

    private Choice validate() {
      if (!registry.isEmpty() && !deployment.isEmpty()) {
        throw usage(
            "images push: no repositories: give either --registry PREFIX or --deployment ENV-COMPANY, not both");
      }
      String target = "";
      AwsSettings connection = null;
      Settings settings = null;
      if (registry.isEmpty()) {
        try {
          settings =
              new ConfigResolver(parent.context.workingDirectory())
                  .resolve(aws.flags(), parent.context.environment(), aws.config);
          target = deployment.isEmpty() ? deploymentName(settings) : deployment;
          if (!target.isEmpty() && settings.get(Setting.REGION).isBlank()) {
            throw usage(
                "images push: the deployment "
                    + target
                    + " needs --region: its repositories live in one region");
          }
          connection = target.isEmpty() ? null : DeployOptions.awsSettings(settings);
        } catch (ConfigException e) {
          throw usage("images push: " + e.getMessage());
        }
      }
      if (registry.isEmpty() == target.isEmpty()) {
        throw usage(
            "images push: no repositories: give either --registry PREFIX, or a deployment: "
                + "-e ENV -c COMPANY --region REGION (or --deployment ENV-COMPANY --region REGION)");
      }
      if (!registry.isEmpty()
          && (registry.contains("://") || registry.contains("@") || registry.isBlank())) {
        throw usage(
            "images push: --registry '"
                + registry
                + "' is not a repository prefix: "
                + "write it as host[:port]/path, without a scheme, e.g. 123456789012.dkr.ecr.eu-west-1.amazonaws.com/prod-acme");
      }
      if (aotJava == null && !aotEnvironment.isEmpty()) {
        throw usage("images push: --aot-env goes with --aot-java, the JVM that trains the cache");
      }
      if (aotJava != null && !Files.isExecutable(aotJava)) {
        throw usage(
            "images push: --aot-java "
                + aotJava
                + " is not an executable file: give the base image's bin/java");
      }
      if (!output.equals("text") && !output.equals("json")) {
        throw usage("images push: --output '" + output + "' is not a format: use text or json");
      }
      ImagePlatform chosen = chosenPlatform(settings);
      List<ImageName> chosenImages = new ArrayList<>();
      for (String name : images) {
        ImageName image =
            ImageName.fromRepositoryName(name)
                .orElseThrow(
                    () ->
                        usage(
                            "images push: --images '"
                                + name
                                + "' is not an image: use gifmachine, csidecar, cdepot, prometheus, grafana"));
        chosenImages.add(image);
      }
      if (chosenImages.isEmpty()) {
        chosenImages.addAll(List.of(ImageName.values()));
      }
      if (!target.isEmpty() && (passwordStdin || !username.isEmpty())) {
        throw usage(
            "images push: --username/--password-stdin go with --registry; a deployment uses ECR's token");
      }
      if (passwordStdin && username.isEmpty()) {
        throw usage("images push: --password-stdin needs --username (for ECR: AWS)");
      }
      RegistryCredentials credentials = RegistryCredentials.anonymous();
      if (!username.isEmpty()) {
        if (!passwordStdin) {
          throw usage(
              "images push: --username needs --password-stdin: passwords are never taken as arguments");
        }
        credentials = new RegistryCredentials(username, readPassword());
      }
      return new Choice(
          chosen, List.copyOf(chosenImages), credentials, bases(), target, connection);
    }

    private static String deploymentName(Settings settings) {
      String environment = settings.get(Setting.ENVIRONMENT);
      String company = settings.get(Setting.COMPANY);
      return environment.isBlank() || company.isBlank() ? "" : environment + "-" + company;
    }

    /** --platform, else the deployment's --graviton, else (a plain registry) this machine's. */
    private ImagePlatform chosenPlatform(Settings settings) {
      if (platform.isEmpty()) {
        if (settings != null) {
          try {
            return ImagePlatform.forDeployment(settings.flag(Setting.GRAVITON));
          } catch (ConfigException e) {
            throw usage("images push: " + e.getMessage());
          }
        }
        return ImagePlatform.parse(System.getProperty("os.arch")).orElse(ImagePlatform.AMD64);
      }
      return ImagePlatform.parse(platform)
          .orElseThrow(
              () ->
                  usage(
                      "images push: --platform '"
                          + platform
                          + "' is not supported: use arm64 (Graviton) or amd64"));
    }

    private BaseImages bases() {
      if (baseImages.isEmpty()) {
        return parent.bases;
      }
      Map<BaseImage, String> references = new EnumMap<>(BaseImages.OFFICIAL);
      baseImages.forEach(
          (kind, reference) -> {
            BaseImage base =
                java.util.Arrays.stream(BaseImage.values())
                    .filter(value -> value.name().equalsIgnoreCase(kind.strip()))
                    .findFirst()
                    .orElseThrow(
                        () ->
                            usage(
                                "images push: --base-image '"
                                    + kind
                                    + "' is not a base: use java, prometheus or grafana"));
            if (reference.isBlank()) {
              throw usage("images push: --base-image " + kind + "= has no image reference");
            }
            references.put(base, reference.strip());
          });
      return BaseImages.references(references);
    }

    private String readPassword() {
      try {
        String line =
            new BufferedReader(new InputStreamReader(parent.stdin, StandardCharsets.UTF_8))
                .readLine();
        if (line == null || line.strip().isEmpty()) {
          throw usage(
              "images push: --password-stdin read no password: pipe it in, e.g. aws ecr get-login-password | …");
        }
        return line.strip();
      } catch (IOException e) {
        throw usage(
            "images push: reading the password from standard input failed: " + e.getMessage());
      }
    }

    private void print(
        PrintWriter out, ImagePlatform chosen, Map<ImageName, PublishedImage> published) {
      if (output.equals("json")) {
        ObjectMapper json = new ObjectMapper();
        ObjectNode root = json.createObjectNode();
        root.put("platform", chosen.label());
        ObjectNode imagesNode = root.putObject("images");
        published.forEach(
            (image, result) -> {
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
        published.forEach(
            (image, result) ->
                out.printf(
                    Locale.ROOT,
                    "%-11s %s  %s%n",
                    image.repositoryName(),
                    result.reference(),
                    result.layersPushed() ? "pushed" : "unchanged"));
      }
      out.flush();
    }

    private ParameterException usage(String message) {
      return new ParameterException(spec.commandLine(), message);
    }

    private static String stripSlash(String prefix) {
      return prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix;
    }
  }
}
