package gifmachine.cli.deploy;

import gifmachine.infra.DeploymentConfig;
import gifmachine.infra.ImageName;
import gifmachine.infra.ImageSet;
import gifmachine.infra.Rollout;

/** Copies of a {@link DeploymentConfig} with one thing changed (the record has no withers). */
public final class Configs {

  private Configs() {}

  public static DeploymentConfig withImages(DeploymentConfig c, ImageSet images) {
    return c.toBuilder().images(images).build();
  }

  public static DeploymentConfig withAccount(DeploymentConfig c, String account) {
    return c.toBuilder().account(account).build();
  }

  /** With CloudFront's origin-facing prefix list, looked up in the deployment's region. */
  public static DeploymentConfig withPrefixList(DeploymentConfig c, String prefixListId) {
    return c.toBuilder().originFacingPrefixListId(prefixListId).build();
  }

  /** With the ARN of the us-east-1 web ACL, once its stack is deployed. */
  public static DeploymentConfig withWebAcl(DeploymentConfig c, String webAclArn) {
    return c.toBuilder().cloudFrontWebAclArn(webAclArn).build();
  }

  public static DeploymentConfig withRollout(DeploymentConfig c, Rollout rollout) {
    return c.toBuilder().rollout(rollout).build();
  }

  /** With the validation hook's jar key in the artifacts bucket (empty: no hook). */
  public static DeploymentConfig withHookCode(DeploymentConfig c, String hookCodeKey) {
    return c.toBuilder().hookCodeKey(hookCodeKey).build();
  }

  public static ImageSet withGifmachine(ImageSet images, String gifmachine) {
    return images.with(ImageName.GIFMACHINE, gifmachine);
  }
}
