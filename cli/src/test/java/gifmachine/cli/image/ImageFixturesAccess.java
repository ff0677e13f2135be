package gifmachine.cli.image;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A started test registry with base images and a fixture checkout, for tests outside this package
 * (the command tests).
 */
public final class ImageFixturesAccess implements AutoCloseable {

  private final LocalRegistry registry;
  private final BaseImages bases;
  private final Path root;

  private ImageFixturesAccess(LocalRegistry registry, BaseImages bases, Path root) {
    this.registry = registry;
    this.bases = bases;
    this.root = root;
  }

  public static ImageFixturesAccess start(Path directory) throws Exception {
    return start(directory, ImagePlatform.AMD64);
  }

  /** As {@link #start(Path)}, with base images for {@code platform}. */
  public static ImageFixturesAccess start(Path directory, ImagePlatform platform) throws Exception {
    LocalRegistry registry =
        LocalRegistry.start(Files.createDirectories(directory.resolve("registry")));
    BaseImages bases =
        ImageFixtures.pushBases(
            registry, platform, Files.createDirectories(directory.resolve("bases")));
    Path root =
        ImageFixtures.repositoryRoot(Files.createDirectories(directory.resolve("checkout")));
    return new ImageFixturesAccess(registry, bases, root);
  }

  public String host() {
    return registry.host();
  }

  public BaseImages bases() {
    return bases;
  }

  public Path root() {
    return root;
  }

  /**
   * The reference of the test base image of {@code kind} for {@code platform}, as pushed by start.
   */
  public String baseReference(BaseImage kind, ImagePlatform platform) {
    return registry.host() + "/base/" + kind.name().toLowerCase() + ":" + platform.architecture();
  }

  /** The digest of the manifest the registry serves for {@code reference} (tag or digest). */
  public String manifestDigest(String repository, String reference) throws Exception {
    return new RegistryReader(registry.baseUri()).image(repository, reference).digest();
  }

  @Override
  public void close() throws Exception {
    registry.close();
  }
}
