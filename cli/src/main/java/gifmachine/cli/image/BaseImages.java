package gifmachine.cli.image;

import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.RegistryImage;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;

/**
 * Where each image's base comes from: the seam between releases, which use the pinned images of
 * {@link #OFFICIAL}, and tests, which reach no public registry and supply their own base (an image
 * they pushed to a local registry, or {@code Jib.fromScratch()} plus a layer).
 *
 * <pre>{@code
 * BaseImages release = BaseImages.official();
 * BaseImages test = kind -> Jib.fromScratch().addFileEntriesLayer(fakeJavaLayer);
 * }</pre>
 */
@FunctionalInterface
public interface BaseImages {

  /**
   * The release bases, each pinned by the digest of its multi-architecture index (Jib picks the
   * linux/arm64 or linux/amd64 manifest out of it), so a rebuild of Temurin upstream never changes
   * our digests behind our back. This is the one place the pins live; a change here is a change to
   * every image's sources ({@link ImageSources#sourcePaths}), so each image gets a new revision and
   * tag. Bumping a pin: {@code crane digest public.ecr.aws/docker/library/eclipse-temurin:25-jre}.
   * The Java base's major version is the one the tests run on ({@code JAVA_RUNTIME_MAJOR} in {@code
   * scripts/java-home}); {@code BaseImagesTest} holds the two together.
   *
   * <p>Registries: anonymous Docker Hub pulls hit its rate limits from CodeBuild's shared addresses
   * ({@code toomanyrequests}). Temurin comes from ECR Public's copy of the Docker official images
   * (https://gallery.ecr.aws/docker/library/eclipse-temurin, no pull limit from AWS), Prometheus
   * from its upstream's own Quay repository. Grafana publishes only to Docker Hub; it stays there,
   * pinned, and is pulled only when {@code monitoring/grafana} or this package changes (an image
   * whose tag is already pushed is not rebuilt), or give a mirror with {@code images push
   * --base-image grafana=REF}.
   */
  Map<BaseImage, String> OFFICIAL =
      Map.of(
          BaseImage.JAVA,
          "public.ecr.aws/docker/library/eclipse-temurin:25-jre"
              + "@sha256:681c543d6f36c50f45e9b5226930a46203dcfa351d3670e9d0bdf0dabae53539",
          BaseImage.PROMETHEUS,
          "quay.io/prometheus/prometheus:v3.5.0"
              + "@sha256:63805ebb8d2b3920190daf1cb14a60871b16fd38bed42b857a3182bc621f4996",
          BaseImage.GRAFANA,
          "docker.io/grafana/grafana-oss:12.1.1"
              + "@sha256:a1701c2180249361737a99a01bc770db39381640e4d631825d38ff4535efa47d");

  /** A fresh container builder starting from the base image of {@code kind}. */
  JibContainerBuilder from(BaseImage kind) throws InvalidImageReferenceException, IOException;

  /** The pinned images of {@link #OFFICIAL}, pulled anonymously. */
  static BaseImages official() {
    return references(OFFICIAL);
  }

  /** Bases pulled from registry references, e.g. {@code 127.0.0.1:5000/base/java:1}. */
  static BaseImages references(Map<BaseImage, String> references) {
    Map<BaseImage, String> copy = Map.copyOf(references);
    return kind ->
        Jib.from(
            RegistryImage.named(
                Objects.requireNonNull(copy.get(kind), () -> "no base image for " + kind)));
  }
}
