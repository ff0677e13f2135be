package gifmachine.cli.image;

import com.google.cloud.tools.jib.api.Containerizer;
import com.google.cloud.tools.jib.api.InsecureRegistryException;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.JibContainer;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.LogEvent;
import com.google.cloud.tools.jib.api.RegistryAuthenticationFailedException;
import com.google.cloud.tools.jib.api.RegistryException;
import com.google.cloud.tools.jib.api.RegistryImage;
import com.google.cloud.tools.jib.api.RegistryUnauthorizedException;
import com.google.cloud.tools.jib.api.buildplan.AbsoluteUnixPath;
import com.google.cloud.tools.jib.api.buildplan.FileEntriesLayer;
import com.google.cloud.tools.jib.api.buildplan.FilePermissions;
import com.google.cloud.tools.jib.api.buildplan.Port;
import com.google.cloud.tools.jib.event.events.TimerEvent;
import gifmachine.infra.ImageName;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Builds the five images with Jib (no Docker daemon) and pushes them straight to a registry: ECR in
 * production, Debian's {@code docker-registry} on loopback in tests. Layers are pushed only when
 * the registry lacks them, so an unchanged rebuild uploads nothing and a change to one module's
 * code uploads that module's application layer and config.
 *
 * <pre>{@code
 * ImageSources sources = new ImageSources(Path.of("."));
 * ImagePublisher publisher = new ImagePublisher(sources, BaseImages.official(),
 *     ImagePublisher.Options.defaults(ImagePlatform.ARM64, cacheDir, sources), System.err::println);
 * PublishedImage image = publisher.publish(ImageName.GIFMACHINE,
 *     "1234.dkr.ecr.eu-west-1.amazonaws.com/prod-acme/gifmachine", credentials);
 * image.reference(); // …/gifmachine@sha256:…
 * }</pre>
 *
 * <p>Java images: base JRE, {@code /app/lib/<module>-dependencies.jar} (one layer) and {@code
 * /app/<module>.jar} (another), entrypoint {@code java <jvm-flags.txt> -jar /app/<module>.jar},
 * user {@code 65532}, the service port exposed, an OCI revision label, and Jib's fixed timestamps
 * so the same inputs always give the same digest. An image named in {@link Options#aotTrainers()}
 * also gets {@code /app/<module>.aot}, a JDK AOT cache trained on those very jars, and {@code
 * -XX:AOTCache=/app/<module>.aot} in its entrypoint.
 *
 * <p>Tags: each image is pushed under one tag, {@link ImageRevision#tag}, never a moving one such
 * as {@code latest}: the repositories have immutable tags. When that tag is already in the
 * repository (the image's sources have not changed since it was pushed) nothing is built or
 * uploaded and the existing digest is returned.
 */
public final class ImagePublisher {

  /** A user id that exists in no base image: the services need no account and no home. */
  public static final String USER = "65532:65532";

  static final AbsoluteUnixPath APP_DIRECTORY = AbsoluteUnixPath.get("/app");
  static final AbsoluteUnixPath PROMETHEUS_DIRECTORY = AbsoluteUnixPath.get("/etc/prometheus");
  static final AbsoluteUnixPath GRAFANA_PROVISIONING =
      AbsoluteUnixPath.get("/etc/grafana/provisioning");
  static final AbsoluteUnixPath GRAFANA_DATA = AbsoluteUnixPath.get("/var/lib/grafana");
  static final AbsoluteUnixPath GRAFANA_DASHBOARDS =
      AbsoluteUnixPath.get("/var/lib/grafana/dashboards");

  /** The official Grafana image's user and data directory mode; our layer must not change them. */
  private static final String GRAFANA_DATA_OWNER = "472:0";

  /**
   * How to build and push.
   *
   * @param platform the CPU architecture of the tasks that run the images
   * @param workDirectory where split jars and Jib's layer caches live between runs
   * @param revisions each image's source revision: its {@code org.opencontainers.image.revision}
   *     label and the tag it is pushed under ({@link ImageRevision#tag})
   * @param allowInsecureRegistries plain-HTTP registries (tests on loopback); never for ECR
   * @param aotTrainers the Java images that get a JDK AOT cache, each with its training run (see
   *     {@link AotCacheTrainer}); images not named here start without one
   */
  public record Options(
      ImagePlatform platform,
      Path workDirectory,
      ImageRevisions revisions,
      boolean allowInsecureRegistries,
      Map<ImageName, AotCacheTrainer> aotTrainers) {

    public Options {
      Objects.requireNonNull(platform, "platform");
      Objects.requireNonNull(workDirectory, "workDirectory");
      Objects.requireNonNull(revisions, "revisions");
      aotTrainers = Map.copyOf(aotTrainers);
    }

    public Options(
        ImagePlatform platform,
        Path workDirectory,
        ImageRevisions revisions,
        boolean allowInsecureRegistries) {
      this(platform, workDirectory, revisions, allowInsecureRegistries, Map.of());
    }

    /** Revisions from git in {@code sources}' checkout, secure registries only. */
    public static Options defaults(
        ImagePlatform platform, Path workDirectory, ImageSources sources) {
      return new Options(
          platform, workDirectory, ImageRevisions.git(sources, java.time.Clock.systemUTC()), false);
    }

    public Options withRevisions(ImageRevisions value) {
      return new Options(platform, workDirectory, value, allowInsecureRegistries, aotTrainers);
    }

    public Options withInsecureRegistries(boolean value) {
      return new Options(platform, workDirectory, revisions, value, aotTrainers);
    }

    /** {@code image} gets an AOT cache made by {@code trainer} (a Java image only). */
    public Options withAotCache(ImageName image, AotCacheTrainer trainer) {
      Map<ImageName, AotCacheTrainer> trainers = new EnumMap<>(ImageName.class);
      trainers.putAll(aotTrainers);
      trainers.put(image, trainer);
      return new Options(platform, workDirectory, revisions, allowInsecureRegistries, trainers);
    }
  }

  private final ImageSources sources;
  private final BaseImages bases;
  private final Options options;
  private final Consumer<String> progress;

  public ImagePublisher(
      ImageSources sources, BaseImages bases, Options options, Consumer<String> progress) {
    this.sources = sources;
    this.bases = bases;
    this.options = options;
    this.progress = progress;
  }

  /** Builds and pushes every image of {@code repositories}, in the order of {@link ImageName}. */
  public Map<ImageName, PublishedImage> publishAll(
      Map<ImageName, String> repositories, RegistryCredentials credentials)
      throws ImagePublishException {
    for (ImageName image : repositories.keySet()) {
      sources.check(image);
    }
    Map<ImageName, PublishedImage> published = new EnumMap<>(ImageName.class);
    for (Map.Entry<ImageName, String> entry : new EnumMap<>(repositories).entrySet()) {
      published.put(entry.getKey(), publish(entry.getKey(), entry.getValue(), credentials));
    }
    return published;
  }

  /** Builds {@code image} and pushes it to {@code repositoryUri} (no tag, no digest). */
  public PublishedImage publish(
      ImageName image, String repositoryUri, RegistryCredentials credentials)
      throws ImagePublishException {
    String what = "pushing the " + image.repositoryName() + " image to " + repositoryUri;
    sources.check(image);
    if (repositoryUri.isBlank()
        || repositoryUri.contains("@")
        || repositoryUri.matches(".*:[^/]*$")) {
      throw new ImagePublishException(
          what
              + " failed: the repository URI must have no tag or digest, e.g. "
              + "123456789012.dkr.ecr.eu-west-1.amazonaws.com/prod-acme/"
              + image.repositoryName());
    }
    Instant started = Instant.now();
    AtomicInteger attempts = new AtomicInteger();
    AtomicInteger skipped = new AtomicInteger();
    ImageRevision revision = options.revisions().of(image);
    String tag = revision.tag(options.platform());
    try {
      if (revision.reusable()) {
        // ECR refuses a second push of a tag in an immutable repository even with the same
        // content (https://github.com/aws/containers-roadmap/issues/2380), and the same
        // committed revision builds the same image: so an existing tag is the image.
        java.util.Optional<String> existing = existingDigest(repositoryUri, tag, credentials);
        if (existing.isPresent()) {
          PublishedImage result =
              new PublishedImage(image, repositoryUri, existing.get(), 0, List.of(tag));
          progress.accept(
              String.format(
                  "%s: %s (%s, tag %s already pushed, nothing built)",
                  image.repositoryName(), result.reference(), options.platform().label(), tag));
          return result;
        }
      }
      JibContainerBuilder builder = containerFor(image, revision);
      RegistryImage target = RegistryImage.named(repositoryUri + ":" + tag);
      if (!credentials.isAnonymous()) {
        target.addCredential(credentials.username(), credentials.password());
      }
      Path cache = options.workDirectory().resolve("jib-cache");
      Containerizer containerizer =
          Containerizer.to(target)
              .setToolName("gifmachine-on-aws")
              .setAllowInsecureRegistries(options.allowInsecureRegistries())
              .setBaseImageLayersCache(cache.resolve("base"))
              .setApplicationLayersCache(cache.resolve("application"))
              // Jib has no result for "uploaded"; its per-blob events say it. The IT checks these
              // counts against the registry's own request log.
              .addEventHandler(
                  TimerEvent.class,
                  event -> {
                    if (event.getState() == TimerEvent.State.START
                        && event.getDescription().startsWith("Pushing BLOB ")) {
                      attempts.incrementAndGet();
                    }
                  })
              .addEventHandler(
                  LogEvent.class,
                  event -> {
                    if (event.getMessage().startsWith("Skipping push; BLOB already exists")) {
                      skipped.incrementAndGet();
                    }
                  });
      JibContainer container = builder.containerize(containerizer);
      int pushed = Math.max(0, attempts.get() - skipped.get());
      PublishedImage result =
          new PublishedImage(
              image, repositoryUri, container.getDigest().toString(), pushed, List.of(tag));
      progress.accept(
          String.format(
              "%s: %s (%s, %d of %d blobs uploaded, %.1f s)",
              image.repositoryName(),
              result.reference(),
              options.platform().label(),
              pushed,
              attempts.get(),
              Duration.between(started, Instant.now()).toMillis() / 1000.0));
      return result;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ImagePublishException(what + " was interrupted", e);
    } catch (InvalidImageReferenceException e) {
      throw new ImagePublishException(
          what + " failed: '" + e.getMessage() + "' is not a valid image reference", e);
    } catch (ExecutionException | RegistryException | IOException | RuntimeException e) {
      throw new ImagePublishException(what + " failed: " + reason(e, credentials), e);
    } catch (com.google.cloud.tools.jib.api.CacheDirectoryCreationException e) {
      throw new ImagePublishException(
          what + " failed: cannot create the layer cache under " + options.workDirectory(), e);
    }
  }

  /**
   * The digest {@code tag} names in the repository, if it is there: a HEAD on its manifest over the
   * Registry API, with the credentials the push uses.
   */
  private java.util.Optional<String> existingDigest(
      String repositoryUri, String tag, RegistryCredentials credentials)
      throws IOException, RegistryException, InvalidImageReferenceException {
    com.google.cloud.tools.jib.api.ImageReference reference =
        com.google.cloud.tools.jib.api.ImageReference.parse(repositoryUri + ":" + tag);
    com.google.cloud.tools.jib.http.FailoverHttpClient http =
        new com.google.cloud.tools.jib.http.FailoverHttpClient(
            options.allowInsecureRegistries(),
            com.google.cloud.tools.jib.global.JibSystemProperties.sendCredentialsOverHttp(),
            event -> {});
    try {
      com.google.cloud.tools.jib.registry.RegistryClient.Factory factory =
          com.google.cloud.tools.jib.registry.RegistryClient.factory(
              com.google.cloud.tools.jib.event.EventHandlers.NONE,
              reference.getRegistry(),
              reference.getRepository(),
              http);
      if (!credentials.isAnonymous()) {
        factory.setCredential(
            com.google.cloud.tools.jib.api.Credential.from(
                credentials.username(), credentials.password()));
      }
      com.google.cloud.tools.jib.registry.RegistryClient client = factory.newRegistryClient();
      // ECR answers with a Basic challenge, token registries with a Bearer one.
      if (!client.doPullBearerAuth() && !credentials.isAnonymous()) {
        client.configureBasicAuth();
      }
      return client.checkManifest(tag).map(found -> found.getDigest().toString());
    } finally {
      http.shutDown();
    }
  }

  private JibContainerBuilder containerFor(ImageName image, ImageRevision revision)
      throws InvalidImageReferenceException, IOException, ImagePublishException {
    JibContainerBuilder builder =
        bases
            .from(BaseImage.of(image))
            .setPlatforms(Set.of(options.platform().toJib()))
            .setCreationTime(Instant.EPOCH)
            .addLabel("org.opencontainers.image.title", image.repositoryName())
            .addLabel("org.opencontainers.image.revision", revision.label())
            .addLabel("org.opencontainers.image.source", "gifmachine-on-aws")
            .setExposedPorts(Set.of(Port.tcp(image.port())));
    return switch (BaseImage.of(image)) {
      case JAVA -> javaService(builder, image);
      case PROMETHEUS ->
          builder.addFileEntriesLayer(
              FileEntriesLayer.builder()
                  .setName("prometheus-config")
                  .addEntryRecursive(sources.prometheusDirectory(), PROMETHEUS_DIRECTORY)
                  .build());
      case GRAFANA -> grafana(builder);
    };
  }

  private JibContainerBuilder javaService(JibContainerBuilder builder, ImageName image)
      throws IOException, ImagePublishException {
    String module = ImageSources.module(image);
    FatJarSplitter.SplitJars jars =
        FatJarSplitter.split(
            sources.fatJar(image),
            sources.thinJar(image),
            module,
            options.platform(),
            options
                .workDirectory()
                .resolve("jars")
                .resolve(options.platform().architecture())
                .resolve(module));
    AbsoluteUnixPath appJar = APP_DIRECTORY.resolve(module + ".jar");
    List<String> entrypoint = new ArrayList<>();
    entrypoint.add("java");
    entrypoint.addAll(sources.jvmFlags(image));
    AotCacheTrainer trainer = options.aotTrainers().get(image);
    if (trainer != null) {
      AbsoluteUnixPath inImage = APP_DIRECTORY.resolve(module + ".aot");
      builder.addFileEntriesLayer(
          FileEntriesLayer.builder()
              .setName("aot-cache")
              .addEntry(aotCache(trainer, image, jars), inImage)
              .build());
      entrypoint.add("-XX:AOTCache=" + inImage);
    }
    entrypoint.addAll(List.of("-jar", appJar.toString()));
    return builder
        .addFileEntriesLayer(
            FileEntriesLayer.builder()
                .setName("dependencies")
                .addEntry(
                    jars.dependencies(),
                    APP_DIRECTORY.resolve(FatJarSplitter.dependenciesJarName(module)))
                .build())
        .addFileEntriesLayer(
            FileEntriesLayer.builder()
                .setName("application")
                .addEntry(jars.application(), appJar)
                .build())
        .setEntrypoint(entrypoint)
        // Base images bring a CMD (Temurin's is jshell); it must not become arguments of our jar.
        .setProgramArguments(List.of())
        .setWorkingDirectory(APP_DIRECTORY)
        .setUser(USER);
  }

  /**
   * Trains the image's AOT cache on the very jars the image gets. It must run on the image's
   * architecture: a cache maps only into the JVM build that wrote it.
   */
  private Path aotCache(AotCacheTrainer trainer, ImageName image, FatJarSplitter.SplitJars jars)
      throws IOException, ImagePublishException {
    String here = System.getProperty("os.arch");
    if (ImagePlatform.parse(here).orElse(null) != options.platform()) {
      throw new ImagePublishException(
          "training the AOT cache of the "
              + image.repositoryName()
              + " image failed: the image is for "
              + options.platform().label()
              + " and this machine is "
              + here
              + "; build on a "
              + options.platform().architecture()
              + " machine (CodeBuild: the same compute type as the tasks) or leave the cache out");
    }
    Path cache =
        options
            .workDirectory()
            .resolve("aot")
            .resolve(options.platform().architecture())
            .resolve(ImageSources.module(image) + ".aot");
    Files.createDirectories(cache.getParent());
    progress.accept(image.repositoryName() + ": training the AOT cache (one start of the app)");
    trainer.train(jars, ImageSources.module(image), sources.jvmFlags(image), cache);
    return cache;
  }

  private JibContainerBuilder grafana(JibContainerBuilder builder) throws IOException {
    // Jib writes parent directories of added files as root 0755; Grafana (uid 472) writes its
    // database into /var/lib/grafana, so the layer restates the base image's owner and mode.
    Path emptyDirectory =
        Files.createDirectories(options.workDirectory().resolve("empty-directory"));
    return builder.addFileEntriesLayer(
        FileEntriesLayer.builder()
            .setName("grafana-config")
            .addEntry(
                emptyDirectory,
                GRAFANA_DATA,
                FilePermissions.fromOctalString("777"),
                FileEntriesLayer.DEFAULT_MODIFICATION_TIME,
                GRAFANA_DATA_OWNER)
            .addEntryRecursive(sources.grafanaProvisioningDirectory(), GRAFANA_PROVISIONING)
            .addEntryRecursive(sources.grafanaDashboardsDirectory(), GRAFANA_DASHBOARDS)
            .build());
  }

  /** The innermost cause that says why, in words an operator can act on. */
  static String reason(Throwable error, RegistryCredentials credentials) {
    for (Throwable cause = error; cause != null; cause = cause.getCause()) {
      if (cause instanceof RegistryUnauthorizedException) {
        String who =
            credentials.isAnonymous()
                ? "without credentials"
                : "as user '" + credentials.username() + "'";
        return "the registry refused access "
            + who
            + " (HTTP 401/403); check the user name and password (for ECR, a fresh authorization token)";
      }
      if (cause instanceof RegistryAuthenticationFailedException) {
        return "authentication with the registry failed: "
            + cause.getMessage()
            + "; check the user name and password";
      }
      if (cause instanceof InsecureRegistryException) {
        return "the registry does not answer over HTTPS; plain HTTP is allowed only for test registries";
      }
      if (cause instanceof ConnectException) {
        return "cannot connect to the registry ("
            + cause.getMessage()
            + "); check the URI and that the registry runs";
      }
      if (cause instanceof UnknownHostException) {
        return "unknown registry host " + cause.getMessage() + "; check the repository URI";
      }
    }
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
  }
}
