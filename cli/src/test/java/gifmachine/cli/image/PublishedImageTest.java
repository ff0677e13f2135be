package gifmachine.cli.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gifmachine.infra.ImageName;
import gifmachine.infra.ImageSet;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PublishedImageTest {

  private static PublishedImage image(ImageName name, int blobs) {
    return new PublishedImage(
        name,
        "r.example/prod-acme/" + name.repositoryName(),
        "sha256:" + name.ordinal(),
        blobs,
        List.of("latest"));
  }

  @Test
  void the_reference_pins_the_digest_and_layers_pushed_follows_the_uploads() {
    assertThat(image(ImageName.CDEPOT, 2).reference())
        .isEqualTo("r.example/prod-acme/cdepot@sha256:2");
    assertThat(image(ImageName.CDEPOT, 2).layersPushed()).isTrue();
    assertThat(image(ImageName.CDEPOT, 0).layersPushed()).isFalse();
  }

  @Test
  void all_five_images_make_the_image_set_of_a_deployment() {
    Map<ImageName, PublishedImage> published = new EnumMap<>(ImageName.class);
    for (ImageName name : ImageName.values()) {
      published.put(name, image(name, 0));
    }

    ImageSet set = PublishedImage.imageSet(published);

    assertThat(set.get(ImageName.GIFMACHINE)).isEqualTo("r.example/prod-acme/gifmachine@sha256:0");
    assertThat(set.get(ImageName.GRAFANA)).isEqualTo("r.example/prod-acme/grafana@sha256:4");
    published.remove(ImageName.GRAFANA);
    assertThatThrownBy(() -> PublishedImage.imageSet(published))
        .hasMessage("no published grafana image");
  }

  @Test
  void credentials_never_show_the_password() {
    assertThat(new RegistryCredentials("AWS", "token-123"))
        .hasToString("RegistryCredentials[AWS, ****]");
    assertThat(RegistryCredentials.anonymous().isAnonymous()).isTrue();
  }
}
