package gifmachine.cli.image;

import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import com.google.cloud.tools.jib.api.Jib;
import com.google.cloud.tools.jib.api.JibContainerBuilder;
import com.google.cloud.tools.jib.api.RegistryImage;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;

/**
 * Where each image's base comes from: the seam between releases, which use the official images
 * from Docker Hub, and tests, which reach no public registry and supply their own base (an
 * image they pushed to a local registry, or {@code Jib.fromScratch()} plus a layer).
 *
 * <pre>{@code
 * BaseImages release = BaseImages.official();
 * BaseImages test = kind -> Jib.fromScratch().addFileEntriesLayer(fakeJavaLayer);
 * }</pre>
 */
@FunctionalInterface
public interface BaseImages {

  /** Pinned release bases. Temurin, Prometheus and Grafana all publish amd64 and arm64. */
  Map<BaseImage, String> OFFICIAL =
      Map.of(
          BaseImage.JAVA, "eclipse-temurin:21-jre",
          BaseImage.PROMETHEUS, "prom/prometheus:v3.5.0",
          BaseImage.GRAFANA, "grafana/grafana-oss:12.1.1");

  /** A fresh container builder starting from the base image of {@code kind}. */
  JibContainerBuilder from(BaseImage kind) throws InvalidImageReferenceException, IOException;

  /** The official images of {@link #OFFICIAL}, pulled anonymously. */
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
