package gifmachine.cli.deploy;

import gifmachine.cli.aws.RegistryGateway;
import gifmachine.cli.image.BaseImages;
import gifmachine.cli.image.ImagePlatform;
import gifmachine.cli.image.ImagePublisher;
import gifmachine.cli.image.ImageSources;
import gifmachine.cli.image.PublishedImage;
import gifmachine.cli.image.RegistryCredentials;
import gifmachine.infra.ImageName;
import gifmachine.infra.ImageSet;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@link ImagePublishing} with the {@code image} engineer's {@link ImagePublisher}: Jib builds from
 * this checkout's jars and monitoring files and pushes straight to ECR; its layer cache in {@code
 * workDirectory} makes an unchanged rebuild push nothing.
 */
public final class JibImagePublishing implements ImagePublishing {

  private final ImageSources sources;
  private final BaseImages bases;
  private final Path workDirectory;
  private final boolean insecureRegistries;
  private final Pacer pacer;

  public JibImagePublishing(
      ImageSources sources,
      BaseImages bases,
      Path workDirectory,
      boolean insecureRegistries,
      Pacer pacer) {
    this.sources = sources;
    this.bases = bases;
    this.workDirectory = workDirectory;
    this.insecureRegistries = insecureRegistries;
    this.pacer = pacer;
  }

  @Override
  public ImageSet publish(
      ImageSet repositories, RegistryGateway.Login login, boolean arm64, ProgressListener progress)
      throws Exception {
    ImagePublisher.Options options =
        ImagePublisher.Options.defaults(ImagePlatform.forDeployment(arm64), workDirectory, sources)
            .withInsecureRegistries(insecureRegistries);
    ImagePublisher publisher =
        new ImagePublisher(
            sources,
            bases,
            options,
            line -> progress.on(new ProgressEvent.Step(line, pacer.now())));
    Map<ImageName, PublishedImage> published =
        publisher.publishAll(
            repositories.references(), new RegistryCredentials(login.username(), login.password()));
    return PublishedImage.imageSet(published);
  }
}
