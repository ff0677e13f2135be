package gifmachine.cli.command;

import gifmachine.cli.aws.Aws;
import gifmachine.cli.aws.ResourceChange;
import gifmachine.cli.deploy.Cancellation;
import gifmachine.cli.deploy.Configs;
import gifmachine.cli.deploy.DeployedImages;
import gifmachine.cli.deploy.Deployment;
import gifmachine.cli.deploy.EdgeLookups;
import gifmachine.cli.deploy.KeptChoices;
import gifmachine.cli.deploy.LiveTraffic;
import gifmachine.cli.deploy.Preflight;
import gifmachine.cli.deploy.ProgressListener;
import gifmachine.cli.deploy.StackPlan;
import gifmachine.cli.deploy.Stacks;
import gifmachine.infra.DeploymentConfig;
import gifmachine.infra.ImageSet;
import gifmachine.infra.StackPart;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Command;

/**
 * {@code plan}: synthesizes the stacks with the images deployed now and shows, per stack, what a
 * change set would add, modify, replace or remove, without executing anything.
 */
@Command(
    name = "plan",
    mixinStandardHelpOptions = true,
    description = "Show what up would change, per stack, without changing anything.")
public final class PlanCommand extends AwsCommand {

  public PlanCommand(CliContext context) {
    super(context);
  }

  @Override
  protected int run(DeployOptions.Resolved resolved) throws Exception {
    try (Aws aws = connect(resolved)) {
      DeploymentConfig config =
          Configs.withAccount(
              resolved.config(),
              Preflight.guard("checking credentials", () -> aws.account().identity()).account());
      config = Configs.withImages(config, deployedImages(aws, config));
      Stacks deployed = Stacks.read(aws, config);
      config = EdgeLookups.withWebAcl(deployed, EdgeLookups.withPrefixList(aws, config));
      // The zones, NAT image and restored snapshot up would keep (plan asks for no change).
      config = KeptChoices.apply(aws, config, deployed, KeptChoices.Requests.NONE, step -> {});
      config =
          Configs.withRollout(config, config.rollout().withLive(LiveTraffic.read(aws, deployed)));
      // up names the validation hook's jar when the registry stack has its bucket: so does plan.
      config = Deployment.withPlannedValidationHook(config, deployed);
      List<StackPlan> plans =
          engine(aws, ProgressListener.NONE, new Cancellation())
              .plan(nodes(context.synthesizer().apply(config)));
      int add = 0;
      int modify = 0;
      int replace = 0;
      int remove = 0;
      var out = out();
      for (StackPlan plan : plans) {
        out.println(plan.stackName() + (plan.newStack() ? " (new stack)" : ""));
        if (!plan.error().isEmpty()) {
          out.println("  ! " + plan.error());
        } else if (plan.changes().isEmpty()) {
          out.println("  no changes");
        }
        for (ResourceChange change : plan.changes()) {
          String mark =
              switch (change.action()) {
                case "Add" -> "+";
                case "Remove" -> "-";
                default -> change.replaces() ? "±" : "~";
              };
          String note =
              change.replaces()
                  ? " (replaced)"
                  : "Conditional".equals(change.replacement()) ? " (may be replaced)" : "";
          out.println(
              "  "
                  + mark
                  + " "
                  + change.action()
                  + " "
                  + change.logicalId()
                  + " "
                  + change.resourceType()
                  + note);
          switch (change.action()) {
            case "Add" -> add++;
            case "Remove" -> remove++;
            default -> {
              modify++;
              if (change.replaces()) {
                replace++;
              }
            }
          }
        }
      }
      out.println(
          "Plan: "
              + add
              + " to add, "
              + modify
              + " to modify ("
              + replace
              + " replaced), "
              + remove
              + " to remove.");
      out.println("Next: gifmachine-on-aws up");
      return 0;
    }
  }

  /**
   * The images running now (from the deployed templates), so that plan shows infrastructure changes
   * only.
   */
  private static ImageSet deployedImages(Aws aws, DeploymentConfig config) {
    Stacks stacks = Stacks.read(aws, config);
    ImageSet placeholders = config.images();
    Optional<ImageSet> repositories = stacks.repositories();
    if (repositories.isEmpty()) {
      return placeholders;
    }
    StringBuilder templates = new StringBuilder("[");
    for (StackPart part : List.of(StackPart.GIFMACHINE, StackPart.MONITORING)) {
      if (stacks.stack(part).isPresent()) {
        Preflight.guard(
                "reading template", () -> aws.cloudFormation().template(config.stackName(part)))
            .ifPresent(t -> templates.append(templates.length() > 1 ? "," : "").append(t));
      }
    }
    String all = templates.append("]").toString();
    ImageSet r = repositories.get();
    return ImageSet.of(
        image -> DeployedImages.find(all, r.get(image)).orElse(placeholders.get(image)));
  }
}
