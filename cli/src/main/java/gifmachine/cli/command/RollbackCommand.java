package gifmachine.cli.command;

import gifmachine.cli.aws.Aws;
import gifmachine.cli.deploy.Cancellation;
import gifmachine.cli.deploy.Deployment;
import gifmachine.cli.deploy.DeploymentException;
import gifmachine.cli.deploy.Rollback;
import gifmachine.cli.deploy.StackResult;
import gifmachine.cli.term.ProgressRenderer;
import gifmachine.infra.ImageSet;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code rollback}: with a deployment in progress, stops it and lets ECS and CloudFormation put the
 * previous revision back; with none, deploys the previous release's images the way {@code up} does.
 * Asks first unless {@code --yes}.
 *
 * <pre>{@code
 * gifmachine-on-aws rollback --environment prod --company dundermiff --region eu-west-1 --yes
 * }</pre>
 */
@Command(
    name = "rollback",
    mixinStandardHelpOptions = true,
    description =
        "Stop a deployment in progress and roll it back, or (with none) deploy the previous release again.")
public final class RollbackCommand extends AwsCommand {

  /** The answers that confirm. */
  private static final Set<String> YES = Set.of("y", "yes");

  @Option(
      names = {"-y", "--yes"},
      description = "Do not ask for confirmation.")
  boolean yes;

  public RollbackCommand(CliContext context) {
    super(context);
  }

  @Override
  protected int run(DeployOptions.Resolved resolved) throws Exception {
    String name = resolved.config().deploymentName();
    if (!yes) {
      Optional<String> answer =
          context
              .terminal()
              .readLine(
                  "Roll back "
                      + name
                      + " in "
                      + resolved.config().region()
                      + " (stop the deployment in progress, or deploy the previous release)? [y/N] ");
      if (answer.isEmpty()) {
        throw new DeploymentException(
            DeploymentException.Exit.CONFIG,
            "rollback: needs a confirmation and there is no terminal to ask on",
            "pass --yes to roll back without asking");
      }
      if (!YES.contains(answer.get().trim().toLowerCase(Locale.ROOT))) {
        err().println("Not rolled back: the answer was not yes.");
        return DeploymentException.Exit.CONFIG.code();
      }
    }
    Cancellation cancellation = new Cancellation();
    try (Aws aws = connect(resolved);
        ProgressRenderer renderer = renderer();
        AutoCloseable hook = context.interrupts().onInterrupt(cancellation::cancel)) {
      Deployment deployment =
          new Deployment(
              aws,
              engine(aws, renderer, cancellation),
              context.synthesizer(),
              context.images(),
              context.smoke(),
              renderer,
              context.pacer(),
              cancellation,
              Duration.ofMinutes(15));
      Rollback.Outcome outcome;
      try {
        outcome =
            new Rollback(
                    aws, deployment, engine(aws, renderer, cancellation), renderer, context.pacer())
                .rollback(
                    Deployment.Request.of(
                        resolved.config(),
                        resolved.method(),
                        () -> {
                          throw new DeploymentException(
                              DeploymentException.Exit.FAILED,
                              "rollback: the API password secret "
                                  + resolved.config().apiPasswordSecretName()
                                  + " does not exist",
                              "deploy with gifmachine-on-aws up first");
                        }));
      } catch (DeploymentException e) {
        if (e.exit() != DeploymentException.Exit.INTERRUPTED) {
          throw e;
        }
        renderer.close();
        err().println(e.getMessage());
        err()
            .println(
                "nothing was cancelled in AWS by the interruption; gifmachine-on-aws status shows where it is");
        err().flush();
        return e.exit().code();
      } finally {
        renderer.close();
      }
      print(outcome);
      return 0;
    }
  }

  private void print(Rollback.Outcome outcome) {
    PrintWriter out = out();
    switch (outcome) {
      case Rollback.Stopped stopped -> {
        out.println("Stopped the deployment in progress:");
        stopped.actions().forEach(a -> out.println("  " + a));
        for (StackResult stack : stopped.stacks()) {
          out.println(
              stack.stackName()
                  + ": "
                  + stack.outcome().name().toLowerCase(Locale.ROOT).replace('_', ' ')
                  + (stack.status().isBlank() ? "" : " (" + stack.status() + ")"));
        }
        out.println("Serving now:");
        stopped
            .serving()
            .forEach((container, image) -> out.println("  " + container + ": " + image));
      }
      case Rollback.Redeployed back -> {
        out.println(
            "Rolled back to the release of "
                + back.to().releasedAt()
                + (back.to().source().isBlank() ? "" : " (" + back.to().source() + ")")
                + ":");
        images(out, back.to().images(), back.from());
        back.result()
            .smoke()
            .ifPresent(s -> out.println("Smoke test: passed (" + s.detail() + ")"));
        back.result().gifmachineUrl().ifPresent(u -> out.println("Gifmachine: " + u));
      }
    }
    out.println("Next: gifmachine-on-aws status");
    out.flush();
  }

  private static void images(PrintWriter out, ImageSet to, ImageSet from) {
    for (gifmachine.infra.ImageName image : gifmachine.infra.ImageName.values()) {
      line(out, image.repositoryName(), to.get(image), from.get(image));
    }
  }

  private static void line(PrintWriter out, String name, String to, String from) {
    if (to.isBlank()) {
      return;
    }
    out.println(
        "  "
            + name
            + ": "
            + to
            + (from.isBlank() || from.equals(to)
                ? " (unchanged)"
                : " (was " + Rollback.digest(from) + ")"));
  }
}
