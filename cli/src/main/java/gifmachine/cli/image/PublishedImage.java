package gifmachine.cli.image;

import gifmachine.infra.ImageName;
import gifmachine.infra.ImageSet;
import java.util.List;
import java.util.Map;

/**
 * One image as pushed: the repository it went to, its manifest digest, and whether anything had to
 * be uploaded. An unchanged rebuild finds every layer and its config already in the registry and
 * uploads nothing ({@code layersPushed() == false}, {@code blobsPushed() == 0}).
 *
 * @param image which image
 * @param repository the repository URI, e.g. {@code
 *     1234.dkr.ecr.eu-west-1.amazonaws.com/x/gifmachine}
 * @param digest the manifest digest, {@code sha256:…}
 * @param blobsPushed how many blobs (layers and the config) were uploaded
 * @param tags the tags the manifest was pushed under
 */
public record PublishedImage(
    ImageName image, String repository, String digest, int blobsPushed, List<String> tags) {

  public PublishedImage {
    tags = List.copyOf(tags);
  }

  /** {@code repository@sha256:…}: the immutable reference task definitions use. */
  public String reference() {
    return repository + "@" + digest;
  }

  /** Whether any layer or the image config had to be uploaded. */
  public boolean layersPushed() {
    return blobsPushed > 0;
  }

  /**
   * The digest references of all five images, as the stacks take them ({@code
   * DeploymentConfig.Builder.images}).
   *
   * @throws IllegalArgumentException when an image is missing
   */
  public static ImageSet imageSet(Map<ImageName, PublishedImage> published) {
    for (ImageName image : ImageName.values()) {
      if (!published.containsKey(image)) {
        throw new IllegalArgumentException("no published " + image.repositoryName() + " image");
      }
    }
    return ImageSet.of(image -> published.get(image).reference());
  }
}
