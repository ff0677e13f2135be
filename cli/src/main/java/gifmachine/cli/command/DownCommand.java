package gifmachine.cli.command;

import gifmachine.cli.aws.Aws;
import gifmachine.cli.deploy.Cancellation;
import gifmachine.cli.deploy.DeploymentException;
import gifmachine.cli.deploy.StackResult;
import gifmachine.cli.deploy.Teardown;
import gifmachine.cli.term.ProgressRenderer;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code down}: deletes everything {@code up} created, after a confirmation unless {@code --yes};
 * running it twice is harmless.
 *
 * <pre>{@code
 * gifmachine-on-aws down --environment test --company acme --region eu-west-1 --yes --force
 * }</pre>
 */
@Command(
    name = "down",
    mixinStandardHelpOptions = true,
    description = "Delete the deployment: stacks, images, bucket contents, secrets, log groups.")
public final class DownCommand extends AwsCommand {

  @Option(
      names = {"-y", "--yes"},
      description = "Do not ask for confirmation.")
  boolean yes;

  @Option(
      names = "--force",
      description = "Delete secrets at once instead of after the 7-day recovery window.")
  boolean force;

  public DownCommand(CliContext context) {
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
                  "Delete "
                      + name
                      + " in "
                      + resolved.config().region()
                      + " with all its data? Type "
                      + name
                      + " to confirm: ");
      if (answer.isEmpty()) {
        throw new DeploymentException(
            DeploymentException.Exit.CONFIG,
            "down: needs a confirmation and there is no terminal to ask on",
            "pass --yes to delete without asking");
      }
      if (!answer.get().trim().equals(name)) {
        err().println("Not deleted: the answer was not " + name + ".");
        return DeploymentException.Exit.CONFIG.code();
      }
    }
    try (Aws aws = connect(resolved);
        ProgressRenderer renderer = renderer()) {
      Teardown.Report report;
      try {
        report =
            new Teardown(aws, engine(aws, renderer, new Cancellation()), renderer, context.pacer())
                .down(
                    resolved.config(),
                    nodes(context.synthesizer().apply(resolved.config())),
                    force);
      } finally {
        renderer.close();
      }
      var out = out();
      for (StackResult stack : report.stacks()) {
        out.println(
            stack.stackName()
                + ": "
                + stack.outcome().name().toLowerCase().replace('_', ' ')
                + stack.failureReason().map(r -> " (" + r + ")").orElse(""));
      }
      out.println(
          "Images deleted: "
              + report.imagesDeleted()
              + "; bucket objects and versions deleted: "
              + report.objectsDeleted());
      out.println(
          "Secret "
              + resolved.config().apiPasswordSecretName()
              + ": "
              + (force
                  ? "deleted"
                  : "scheduled for deletion in 7 days (up restores it; --force deletes at once)"));
      report.logGroupsDeleted().forEach(g -> out.println("Log group deleted: " + g));
      out.println("Task definition revisions deleted: " + report.taskDefinitionsDeleted());
      report
          .snapshots()
          .forEach(
              arn ->
                  out.println(
                      "Kept by design: final database snapshot "
                          + arn
                          + " (delete it when you no longer need the gif history)"));
      Optional<StackResult> failed =
          report.stacks().stream().filter(s -> s.outcome().isFailure()).findFirst();
      if (failed.isPresent()) {
        throw new DeploymentException(
            DeploymentException.Exit.FAILED,
            "stack " + failed.get().stackName() + ": " + failed.get().failure(),
            "fix the cause and run down again");
      }
      if (!report.leftovers().isEmpty()) {
        out.println(
            "Still tagged " + gifmachine.infra.DeploymentConfig.DEPLOYMENT_TAG + "=" + name + ":");
        report.leftovers().forEach(arn -> out.println("  " + arn));
        out.flush();
        throw new DeploymentException(
            DeploymentException.Exit.FAILED,
            "down: "
                + report.leftovers().size()
                + " resource(s) of "
                + name
                + " are left (listed above): the stacks are"
                + " deleted, but these were not part of them or AWS refused to delete them",
            "delete them in the console or with the AWS CLI (aws resourcegroupstaggingapi get-resources --tag-filters"
                + " Key="
                + gifmachine.infra.DeploymentConfig.DEPLOYMENT_TAG
                + ",Values="
                + name
                + "), then run down again");
      }
      out.println(
          "Nothing tagged "
              + gifmachine.infra.DeploymentConfig.DEPLOYMENT_TAG
              + "="
              + name
              + " is left"
              + (report.snapshots().isEmpty() ? "." : " but the snapshot."));
      out.println("Next: gifmachine-on-aws up, to deploy again");
      return 0;
    }
  }
}
