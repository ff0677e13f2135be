package gifmachine.cli.deploy;

import gifmachine.cli.aws.Aws;
import gifmachine.infra.DeploymentConfig;
import gifmachine.infra.ImageName;
import gifmachine.infra.ImageSet;
import gifmachine.infra.StackPart;

/**
 * The images the deployed stacks run, read from their templates (the Gifmachine stack's task
 * definition holds Gifmachine and cSidecar, the monitoring stack's the other three): what a release
 * record says it replaced, and what {@code rollback} goes back from. A part not deployed is blank.
 */
final class RunningImages {

  private RunningImages() {}

  static ImageSet read(Aws aws, DeploymentConfig config, Stacks deployed) {
    ImageSet repositories = deployed.repositories().orElse(ReleaseHistory.none());
    String gifmachine = template(aws, config, StackPart.GIFMACHINE);
    String monitoring = template(aws, config, StackPart.MONITORING);
    // The Gifmachine stack's task definition holds Gifmachine and cSidecar; monitoring the rest.
    return ImageSet.of(
        image ->
            find(
                image == ImageName.GIFMACHINE || image == ImageName.CSIDECAR
                    ? gifmachine
                    : monitoring,
                repositories.get(image)));
  }

  private static String template(Aws aws, DeploymentConfig config, StackPart part) {
    String name = config.stackName(part);
    return Preflight.guard("reading template " + name, () -> aws.cloudFormation().template(name))
        .orElse("");
  }

  private static String find(String template, String repositoryUri) {
    return DeployedImages.find(template, repositoryUri).orElse("");
  }
}
