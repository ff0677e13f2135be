package gifmachine.cli.deploy;

import gifmachine.infra.DeploymentConfig;
import gifmachine.infra.ImageSet;
import gifmachine.infra.Rollout;

/** Copies of a {@link DeploymentConfig} with one thing changed (the record has no withers). */
public final class Configs {

  private Configs() {}

  public static DeploymentConfig withImages(DeploymentConfig c, ImageSet images) {
    return new DeploymentConfig(c.environment(), c.company(), c.region(), c.account(), images, c.natGateway(),
        c.interfaceEndpoints(), c.graviton(), c.waf(), c.certificateArn(), c.minTasks(), c.maxTasks(),
        c.dbInstanceClass(), c.monitoring(), c.pipeline(), c.separateGrafanaTask(), c.rollout());
  }

  public static DeploymentConfig withAccount(DeploymentConfig c, String account) {
    return new DeploymentConfig(c.environment(), c.company(), c.region(), account, c.images(), c.natGateway(),
        c.interfaceEndpoints(), c.graviton(), c.waf(), c.certificateArn(), c.minTasks(), c.maxTasks(),
        c.dbInstanceClass(), c.monitoring(), c.pipeline(), c.separateGrafanaTask(), c.rollout());
  }

  public static DeploymentConfig withRollout(DeploymentConfig c, Rollout rollout) {
    return new DeploymentConfig(c.environment(), c.company(), c.region(), c.account(), c.images(), c.natGateway(),
        c.interfaceEndpoints(), c.graviton(), c.waf(), c.certificateArn(), c.minTasks(), c.maxTasks(),
        c.dbInstanceClass(), c.monitoring(), c.pipeline(), c.separateGrafanaTask(), rollout);
  }

  public static ImageSet withGifmachine(ImageSet images, String gifmachine) {
    return new ImageSet(gifmachine, images.csidecar(), images.cdepot(), images.prometheus(), images.grafana());
  }
}
