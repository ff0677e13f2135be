package gifmachine.infra;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * The container images a deployment runs, one reference for each {@link ImageName}: a repository
 * URI plus a {@code @sha256:} digest, or a tag.
 *
 * <pre>{@code
 * ImageSet images = ImageSet.of(image -> registry + image.repositoryName() + "@sha256:" + digest);
 * String app = images.get(ImageName.GIFMACHINE);  // 123456789012.dkr.ecr.eu-west-1.amazonaws.com/prod-dundermiff/gifmachine@sha256:ab…
 * }</pre>
 */
public record ImageSet(Map<ImageName, String> references) {

  public ImageSet {
    Map<ImageName, String> copy = new EnumMap<>(ImageName.class);
    for (ImageName image : ImageName.values()) {
      copy.put(image, Objects.requireNonNull(references.get(image), image.repositoryName()));
    }
    references = Collections.unmodifiableMap(copy);
  }

  /** A set with the reference {@code reference} gives for each image. */
  public static ImageSet of(Function<ImageName, String> reference) {
    Map<ImageName, String> references = new EnumMap<>(ImageName.class);
    for (ImageName image : ImageName.values()) {
      references.put(image, reference.apply(image));
    }
    return new ImageSet(references);
  }

  /** The reference of {@code image}. */
  public String get(ImageName image) {
    return references.get(image);
  }

  /** This set with {@code image} at {@code reference}. */
  public ImageSet with(ImageName image, String reference) {
    Map<ImageName, String> references = new EnumMap<>(this.references);
    references.put(image, reference);
    return new ImageSet(references);
  }
}
