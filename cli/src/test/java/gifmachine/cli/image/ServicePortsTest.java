package gifmachine.cli.image;

import static org.assertj.core.api.Assertions.assertThat;

import gifmachine.app.GifmachineConfig;
import gifmachine.cdepot.CDepotConfig;
import gifmachine.csidecar.CSidecarConfig;
import gifmachine.infra.ImageName;
import org.junit.jupiter.api.Test;

/**
 * The deployment's ports ({@link ImageName}: exposed by the images, opened in the security groups,
 * scraped by Prometheus) are the ones the services listen on by default. The services cannot see
 * the infrastructure module; the CLI sees both, so the check lives here.
 */
class ServicePortsTest {

  @Test
  void each_image_exposes_the_port_its_service_listens_on_by_default() {
    assertThat(ImageName.GIFMACHINE.port()).isEqualTo(GifmachineConfig.DEFAULT_PORT);
    assertThat(ImageName.CDEPOT.port()).isEqualTo(CDepotConfig.DEFAULT_PORT);
    assertThat(ImageName.CSIDECAR.port()).isEqualTo(CSidecarConfig.DEFAULT_PORT);
  }

  @Test
  void the_sidecar_scrapes_gifmachine_on_gifmachines_port_by_default() {
    assertThat(CSidecarConfig.watchingThisProcess().appMetricsPort())
        .isEqualTo(ImageName.GIFMACHINE.port());
  }
}
