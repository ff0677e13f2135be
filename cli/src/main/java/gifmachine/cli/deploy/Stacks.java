package gifmachine.cli.deploy;

import gifmachine.cli.aws.Aws;
import gifmachine.cli.aws.StackDescription;
import gifmachine.infra.DeploymentConfig;
import gifmachine.infra.ImageName;
import gifmachine.infra.ImageSet;
import gifmachine.infra.StackOutputs;
import gifmachine.infra.StackPart;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/** Reading what is deployed: each part's stack and outputs, and the repository URIs. */
public final class Stacks {

  private final Map<StackPart, StackDescription> stacks;

  private Stacks(Map<StackPart, StackDescription> stacks) {
    this.stacks = stacks;
  }

  public static Stacks read(Aws aws, DeploymentConfig config) {
    Map<StackPart, StackDescription> found = new EnumMap<>(StackPart.class);
    for (StackPart part : StackPart.values()) {
      Preflight.guard(
              "reading stack " + config.stackName(part),
              () -> aws.cloudFormation().describe(config.stackName(part)))
          .ifPresent(stack -> found.put(part, stack));
    }
    return new Stacks(found);
  }

  public Optional<StackDescription> stack(StackPart part) {
    return Optional.ofNullable(stacks.get(part));
  }

  public Map<StackPart, StackDescription> all() {
    return stacks;
  }

  public Optional<String> output(StackPart part, String key) {
    return stack(part).map(s -> s.outputs().get(key)).filter(v -> v != null && !v.isBlank());
  }

  /**
   * The public Gifmachine URL: CloudFront's (edge stack) or the load balancer's ({@code --edge
   * alb}).
   */
  public Optional<String> gifmachineUrl() {
    return output(StackPart.EDGE, StackOutputs.GIFMACHINE_URL)
        .or(() -> output(StackPart.GIFMACHINE, StackOutputs.GIFMACHINE_URL));
  }

  /** Grafana's public URL, under {@code /grafana/} of the same name. */
  public Optional<String> grafanaUrl() {
    return output(StackPart.EDGE, StackOutputs.GRAFANA_URL)
        .or(() -> output(StackPart.MONITORING, StackOutputs.GRAFANA_URL));
  }

  /** Repository URIs from the registry stack's outputs, empty when it is not deployed. */
  public Optional<ImageSet> repositories() {
    Optional<String> gifmachine = repository(ImageName.GIFMACHINE);
    if (gifmachine.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(ImageSet.of(image -> repository(image).orElse("")));
  }

  private Optional<String> repository(ImageName image) {
    return output(StackPart.REGISTRY, image.repositoryOutput());
  }

  /** Images to synthesize with when none are built (synth, plan, down): tags, not digests. */
  public static ImageSet placeholderImages(DeploymentConfig config) {
    String prefix =
        config.account()
            + ".dkr.ecr."
            + config.region()
            + ".amazonaws.com/"
            + config.deploymentName();
    return ImageSet.of(image -> prefix + "/" + image.repositoryName() + ":latest");
  }
}
