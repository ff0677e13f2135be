package gifmachine.cli.command;

import gifmachine.cli.aws.Aws;
import gifmachine.cli.config.ConfigException;
import gifmachine.cli.deploy.Cancellation;
import gifmachine.cli.deploy.Deployment;
import gifmachine.cli.deploy.DeploymentException;
import gifmachine.cli.deploy.KeptChoices;
import gifmachine.cli.deploy.StackResult;
import gifmachine.cli.term.ProgressRenderer;
import gifmachine.infra.DeploymentConfig;
import gifmachine.infra.MonitoringStack;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code up}: deploys (or updates) everything, or with {@code up monitoring} the monitoring part
 * alone, and ends with the URLs.
 *
 * <pre>{@code
 * gifmachine-on-aws up --environment prod --company dundermiff --region eu-west-1
 * }</pre>
 */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    description = "Deploy or update Gifmachine on AWS (or only its monitoring: up monitoring).")
public final class UpCommand extends AwsCommand {

  private static final String ALPHABET =
      "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

  @Parameters(
      arity = "0..1",
      paramLabel = "PART",
      description = "monitoring: deploy only the monitoring part.")
  String part;

  @Option(
      names = {"-y", "--yes"},
      description = "Do not ask: generate the API password when there is none yet.")
  boolean yes;

  @Option(
      names = "--images",
      paramLabel = "FILE",
      description =
          "Deploy images already pushed (the JSON of images push --output json) instead of building them;"
              + " the pipeline's Deploy stage passes the images its Build stage pushed.")
  java.nio.file.Path imagesFile;

  @Option(
      names = "--refresh-nat-image",
      description =
          "Move the NAT instance to the newest Amazon Linux 2023 AMI (replaces the instance: a minute or two"
              + " without outbound traffic from the private subnets). Without it the AMI resolved at the first up is kept,"
              + " whatever AWS publishes since.")
  boolean refreshNatImage;

  @Option(
      names = "--restore-snapshot",
      paramLabel = "SNAPSHOT",
      description =
          "Restore the database from this DB snapshot (name or ARN; status lists the deployment's snapshots):"
              + " a new deployment starts from it; a live database is replaced, after a confirmation.")
  String restoreSnapshot;

  @Option(
      names = "--replace-database",
      description =
          "With --restore-snapshot: replace the live database without asking (its final snapshot is kept).")
  boolean replaceDatabase;

  public UpCommand(CliContext context) {
    super(context);
  }

  @Override
  protected int run(DeployOptions.Resolved resolved) throws Exception {
    if (part != null && !part.equals("monitoring")) {
      throw new ConfigException(
          "up " + part + ": unknown part; the only part is monitoring (or nothing for everything)");
    }
    if (part != null && (restoreSnapshot != null || refreshNatImage)) {
      throw new ConfigException(
          "up monitoring: deploys the monitoring part only, not the database or the network;"
              + " run up without monitoring for --restore-snapshot or --refresh-nat-image");
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
              imagesFile == null
                  ? context.images()
                  : new gifmachine.cli.deploy.PushedImages(imagesFile),
              context.smoke(),
              renderer,
              context.pacer(),
              cancellation,
              Duration.ofMinutes(15));
      Deployment.Result result;
      try {
        DeploymentConfig config =
            restoreSnapshot == null
                ? resolved.config()
                : resolved.config().toBuilder().restoreSnapshot(restoreSnapshot.trim()).build();
        result =
            deployment.up(
                Deployment.Request.of(config, resolved.method(), this::password)
                    .withMonitoringOnly(part != null)
                    .withSource(source())
                    .withKept(
                        new KeptChoices.Requests(
                            refreshNatImage,
                            question -> confirmReplacement(question, config.deploymentName()))));
      } catch (DeploymentException e) {
        if (e.exit() != DeploymentException.Exit.INTERRUPTED) {
          throw e;
        }
        return interrupted(renderer, e);
      } finally {
        renderer.close();
      }
      print(resolved, result);
      return 0;
    }
  }

  /** The commit the Gifmachine image is built from, for the release history; blank when unknown. */
  private static String source() {
    try {
      gifmachine.cli.image.ImageRevision revision =
          gifmachine.cli.image.ImageRevisions.git(
                  new gifmachine.cli.image.ImageSources(CliContext.repositoryRoot()),
                  java.time.Clock.systemUTC())
              .of(gifmachine.infra.ImageName.GIFMACHINE);
      return revision.commit().equals("unknown") ? "" : "commit " + revision.label();
    } catch (Exception e) {
      return "";
    }
  }

  /**
   * The restore's confirmation: --replace-database, or the deployment's name typed on the terminal.
   */
  private boolean confirmReplacement(String question, String deploymentName) {
    if (replaceDatabase) {
      return true;
    }
    err().println(question);
    err().flush();
    return context
        .terminal()
        .readLine("Type " + deploymentName + " to replace its database: ")
        .map(answer -> answer.trim().equals(deploymentName))
        .orElse(false);
  }

  private Deployment.Password password() {
    String fromEnvironment = context.environment().get("GIFMACHINE_PASSWORD");
    if (fromEnvironment != null && !fromEnvironment.isBlank()) {
      return new Deployment.Password(fromEnvironment, false);
    }
    if (yes) {
      SecureRandom random = new SecureRandom();
      StringBuilder password = new StringBuilder();
      for (int i = 0; i < 24; i++) {
        password.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
      }
      return new Deployment.Password(password.toString(), true);
    }
    Optional<char[]> first =
        context.terminal().readPassword("Gifmachine API password (for POST /gif): ");
    if (first.isEmpty()) {
      throw new DeploymentException(
          DeploymentException.Exit.CONFIG,
          "API password: not given and there is no terminal to ask on",
          "set GIFMACHINE_PASSWORD, or pass --yes to generate one");
    }
    char[] again = context.terminal().readPassword("Again: ").orElse(new char[0]);
    try {
      if (first.get().length < 8) {
        throw new DeploymentException(
            DeploymentException.Exit.CONFIG,
            "API password: too short, at least 8 characters",
            "run up again");
      }
      if (!Arrays.equals(first.get(), again)) {
        throw new DeploymentException(
            DeploymentException.Exit.CONFIG,
            "API password: the two entries differ",
            "run up again");
      }
      return new Deployment.Password(new String(first.get()), false);
    } finally {
      Arrays.fill(first.get(), ' ');
      Arrays.fill(again, ' ');
    }
  }

  private void print(DeployOptions.Resolved resolved, Deployment.Result result) {
    var out = out();
    if (!result.changed()) {
      out.println("No changes: " + resolved.config().deploymentName() + " is up to date.");
    } else {
      for (StackResult stack : result.stacks()) {
        out.println(
            stack.stackName() + ": " + stack.outcome().name().toLowerCase().replace('_', ' '));
      }
      result
          .serviceDeployments()
          .forEach(
              d ->
                  out.println(
                      "ECS deployment "
                          + d.arn().substring(d.arn().lastIndexOf('/') + 1)
                          + ": "
                          + d.status().toLowerCase()));
    }
    result
        .newPassword()
        .filter(Deployment.Password::generated)
        .ifPresent(
            p ->
                out.println(
                    "API password (generated; shown this once, stored in "
                        + result.apiPasswordSecretArn()
                        + "): "
                        + p.value()));
    result.smoke().ifPresent(s -> out.println("Smoke test: passed (" + s.detail() + ")"));
    result.gifmachineUrl().ifPresent(u -> out.println("Gifmachine: " + u));
    result.grafanaUrl().ifPresent(u -> out.println("Grafana:    " + u));
    if (result.monitoringCreated()) {
      out.println(
          "Monitoring history: Prometheus keeps "
              + MonitoringStack.PROMETHEUS_RETENTION
              + " of metrics on the monitoring task's own storage, not on a shared disk; it starts"
              + " empty whenever that task is replaced (a deployment, a Spot interruption, a failure)."
              + " See docs/monitoring.md.");
    }
    result
        .grafanaSecretArn()
        .ifPresent(
            arn -> {
              out.println("Grafana admin password: in Secrets Manager, secret " + arn);
              out.println(
                  "  aws secretsmanager get-secret-value --secret-id '"
                      + arn
                      + "' --query SecretString --output text --region "
                      + resolved.config().region());
            });
    out.println("Next: gifmachine-on-aws status");
    out.flush();
  }
}
