package gifmachine.cli.command;

import static org.assertj.core.api.Assertions.assertThat;

import gifmachine.app.Gifmachine;
import gifmachine.app.GifmachineConfig;
import gifmachine.cli.aws.RegistryGateway;
import gifmachine.cli.deploy.JibImagePublishing;
import gifmachine.cli.deploy.Pacer;
import gifmachine.cli.image.ImageFixturesAccess;
import gifmachine.cli.image.ImageSources;
import gifmachine.infra.DeploymentConfig;
import gifmachine.infra.ImageName;
import gifmachine.infra.ImageSet;
import gifmachine.infra.Infrastructure;
import gifmachine.infra.SynthesizedApp;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * The deployer wired for moto as the cycle tests run it, for deployment {@code test-acme} in
 * us-east-1: the REAL synthesized stacks (adapted copies, see {@link MotoTemplates}), and where
 * moto cannot do a step, a real local stand-in: images are built by Jib and pushed to Debian's
 * docker-registry on loopback (digests reported under the ECR repository URIs moto gave), and the
 * smoke test runs against a local Gifmachine. Each configuration is synthesized once per instance
 * (it takes tens of seconds here).
 *
 * <pre>{@code
 * try (MotoDeployment deployment = MotoDeployment.start(dir, moto.url())) {
 *   CliRunner.Result up = deployment.run("up", "--yes");
 * }
 * }</pre>
 */
final class MotoDeployment implements AutoCloseable {

  static final List<String> TARGET =
      List.of("-e", "test", "-c", "acme", "--region", "us-east-1", "--method", "direct");

  final CliRunner cli;
  final MotoTemplates fixture = new MotoTemplates();
  final List<Long> synthesisMillis = new CopyOnWriteArrayList<>();
  final List<Long> pushMillis = new CopyOnWriteArrayList<>();
  final List<URI> smokeUrls = new CopyOnWriteArrayList<>();
  private final Map<DeploymentConfig, SynthesizedApp> synthesized = new ConcurrentHashMap<>();
  private final String endpoint;
  private final ImageFixturesAccess registry;
  private final Gifmachine gifmachine;

  private MotoDeployment(
      Path dir, String endpoint, ImageFixturesAccess registry, Gifmachine gifmachine) {
    this.endpoint = endpoint;
    this.registry = registry;
    this.gifmachine = gifmachine;
    JibImagePublishing jib =
        new JibImagePublishing(
            new ImageSources(registry.root()),
            registry.bases(),
            dir.resolve("image-cache"),
            true,
            Pacer.system());
    cli = new CliRunner(dir);
    cli.environment.put("GIFMACHINE_PASSWORD", gifmachine.password());
    // Synthesis is the production function; the copy is adapted for moto.
    cli.synthesizer =
        config ->
            synthesized.computeIfAbsent(
                config,
                c -> {
                  long start = System.nanoTime();
                  SynthesizedApp app = Infrastructure.synthesize(c);
                  synthesisMillis.add((System.nanoTime() - start) / 1_000_000);
                  SynthesizedApp adapted = fixture.adapt(app);
                  // Kept for reading when moto rejects one: target/moto-templates/<stack>.json
                  try {
                    Path out = Files.createDirectories(Path.of("target", "moto-templates"));
                    for (var stack : adapted.stacks()) {
                      Files.writeString(
                          out.resolve(stack.stackName() + ".json"), stack.templateBody());
                    }
                  } catch (IOException e) {
                    throw new UncheckedIOException(e);
                  }
                  return adapted;
                });
    cli.images =
        (repositories, login, arm64, progress) -> {
          long start = System.nanoTime();
          assertThat(login.username()).isEqualTo("AWS");
          ImageSet local =
              map(repositories, uri -> registry.host() + "/" + uri.substring(uri.indexOf('/') + 1));
          ImageSet pushed =
              jib.publish(local, new RegistryGateway.Login("", "", ""), false, progress);
          pushMillis.add((System.nanoTime() - start) / 1_000_000);
          return map(
              pushed,
              reference ->
                  repositories
                          .get(ImageName.GIFMACHINE)
                          .substring(0, repositories.get(ImageName.GIFMACHINE).indexOf('/'))
                      + reference.substring(reference.indexOf('/')));
        };
    cli.smoke =
        (url, secret, timeout) -> {
          smokeUrls.add(url);
          return CliContext.smokeTest(gifmachine.baseUri(), secret, timeout);
        };
  }

  static MotoDeployment start(Path dir, String endpoint) throws Exception {
    ImageFixturesAccess registry = ImageFixturesAccess.start(dir.resolve("images"));
    try {
      return new MotoDeployment(
          dir, endpoint, registry, Gifmachine.start(GifmachineConfig.local(dir.resolve("app"), 0)));
    } catch (RuntimeException e) {
      registry.close();
      throw e;
    }
  }

  /** Runs {@code command} for test-acme against moto, with {@code more} arguments. */
  CliRunner.Result run(String command, String... more) {
    List<String> args = new ArrayList<>(List.of(command));
    args.addAll(TARGET);
    args.addAll(List.of("--endpoint-url", endpoint));
    args.addAll(List.of(more));
    return cli.run(args);
  }

  /** The ARNs {@code down} lists under "Still tagged". */
  static List<String> leftovers(String out) {
    int at = out.indexOf("Still tagged");
    if (at < 0) {
      return List.of();
    }
    return out.substring(at)
        .lines()
        .skip(1)
        .takeWhile(l -> l.startsWith("  arn:"))
        .map(String::trim)
        .toList();
  }

  private static ImageSet map(ImageSet images, UnaryOperator<String> f) {
    return ImageSet.of(image -> f.apply(images.get(image)));
  }

  @Override
  public void close() throws Exception {
    try (registry) {
      gifmachine.close();
    }
  }
}
