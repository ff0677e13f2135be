package gifmachine.cli.image;

/** The registry stack output names, for tests outside this package. */
public final class AwsDeploymentTargetsAccess {
  private AwsDeploymentTargetsAccess() {}

  public static String output(ImageName image) {
    return AwsDeploymentTargets.OUTPUTS.get(image);
  }
}
