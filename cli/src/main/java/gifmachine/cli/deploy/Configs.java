package gifmachine.cli.deploy;

import gifmachine.infra.DeploymentConfig;
import gifmachine.infra.ImageSet;
import gifmachine.infra.Rollout;

/** Copies of a {@link DeploymentConfig} with one thing changed (the record has no withers). */
public final class Configs {

  private Configs() {}

  public static DeploymentConfig withImages(DeploymentConfig c, ImageSet images) {
    return copy(c, c.account(), images, c.rollout(), c.hookCodeKey());
  }

  public static DeploymentConfig withAccount(DeploymentConfig c, String account) {
    return copy(c, account, c.images(), c.rollout(), c.hookCodeKey());
  }

  public static DeploymentConfig withRollout(DeploymentConfig c, Rollout rollout) {
    return copy(c, c.account(), c.images(), rollout, c.hookCodeKey());
  }

  /** With the validation hook's jar key in the artifacts bucket (empty: no hook). */
  public static DeploymentConfig withHookCode(DeploymentConfig c, String hookCodeKey) {
    return copy(c, c.account(), c.images(), c.rollout(), hookCodeKey);
  }

  private static DeploymentConfig copy(DeploymentConfig c, String account, ImageSet images,
      Rollout rollout, String hookCodeKey) {
    return new DeploymentConfig(c.environment(), c.company(), c.region(), account, images,
        c.natGateway(), c.interfaceEndpoints(), c.graviton(), c.waf(), c.certificateArn(),
        c.minTasks(), c.maxTasks(), c.dbInstanceClass(), c.monitoring(), c.pipeline(),
        c.separateGrafanaTask(), rollout, hookCodeKey);
  }

  public static ImageSet withGifmachine(ImageSet images, String gifmachine) {
    return new ImageSet(gifmachine, images.csidecar(), images.cdepot(), images.prometheus(), images.grafana());
  }
}
