package gifmachine.cli.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import gifmachine.cli.aws.Aws;
import gifmachine.cli.aws.DatabaseGateway;
import gifmachine.cli.deploy.DatabaseSnapshots;
import gifmachine.cli.deploy.DeploymentException;
import gifmachine.cli.deploy.StatusReport;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code status}: stacks and their states, the service's tasks, target health, deployed image
 * digests and URLs; {@code --output json} for scripts.
 *
 * <pre>{@code
 * gifmachine-on-aws status --output json | jq .urls.gifmachine
 * }</pre>
 */
@Command(
    name = "status",
    mixinStandardHelpOptions = true,
    description = "Show stacks, tasks, target health, image digests and URLs.")
public final class StatusCommand extends AwsCommand {

  enum Format {
    text,
    json
  }

  @Option(
      names = {"-o", "--output"},
      paramLabel = "text|json",
      description = "Output format (default text).")
  Format output = Format.text;

  public StatusCommand(CliContext context) {
    super(context);
  }

  @Override
  protected int run(DeployOptions.Resolved resolved) throws Exception {
    try (Aws aws = connect(resolved)) {
      StatusReport report = StatusReport.collect(aws, resolved.config(), context.pacer().now());
      // Snapshots are worth showing, not worth failing status for (e.g. rds:DescribeDBSnapshots
      // denied).
      List<DatabaseGateway.Snapshot> snapshots;
      try {
        snapshots = DatabaseSnapshots.of(aws, resolved.config());
      } catch (DeploymentException e) {
        snapshots = List.of();
        err().println("DB snapshots: not readable: " + e.getMessage());
      }
      var out = out();
      if (output == Format.json) {
        java.util.Map<String, Object> json = new java.util.LinkedHashMap<>();
        json.put("deployment", report.deployment());
        json.put("region", report.region());
        json.put("stacks", report.stacks());
        json.put("service", report.service().orElse(null));
        json.put("targets", report.targets());
        json.put("urls", report.urls());
        // Instants as ISO-8601 text (plain Jackson has no java.time support).
        json.put(
            "snapshots",
            snapshots.stream()
                .map(
                    s ->
                        java.util.Map.of(
                            "identifier",
                            s.identifier(),
                            "arn",
                            s.arn(),
                            "created",
                            s.created().toString(),
                            "status",
                            s.status()))
                .toList());
        json.put("pipeline", report.pipeline().orElse(null));
        json.put(
            "deploymentsInProgress",
            report.deploymentsInProgress().stream()
                .map(
                    d ->
                        java.util.Map.of(
                            "arn",
                            d.arn(),
                            "createdAt",
                            d.createdAt().toString(),
                            "status",
                            d.status(),
                            "lifecycleStage",
                            d.lifecycleStage(),
                            "statusReason",
                            d.statusReason()))
                .toList());
        json.put("unreadable", report.unreadable());
        out.println(
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json));
        return 0;
      }
      out.println("Deployment " + report.deployment() + " in " + report.region());
      report
          .stacks()
          .forEach(s -> out.printf("  %-12s %-40s %s%n", s.part(), s.name(), s.status()));
      report
          .service()
          .ifPresent(
              s -> {
                out.println(
                    "Service "
                        + s.name()
                        + ": "
                        + s.running()
                        + " running, "
                        + s.pending()
                        + " pending, "
                        + s.desired()
                        + " desired");
                s.images()
                    .forEach((container, image) -> out.println("  " + container + ": " + image));
              });
      report
          .targets()
          .forEach(
              t ->
                  out.println("  target " + t.targetGroup() + " " + t.target() + ": " + t.state()));
      report.urls().forEach((name, url) -> out.println(name + ": " + url));
      report
          .deploymentsInProgress()
          .forEach(
              d ->
                  out.println(
                      "ECS deployment in progress: "
                          + d.arn().substring(d.arn().lastIndexOf('/') + 1)
                          + " "
                          + d.status()
                          + (d.lifecycleStage().isBlank() ? "" : ", " + d.lifecycleStage())
                          + (d.statusReason().isBlank() ? "" : " (" + d.statusReason() + ")")));
      report.unreadable().forEach(u -> out.println("Not readable: " + u));
      report
          .pipeline()
          .ifPresent(
              p -> {
                out.println(
                    "Pipeline "
                        + p.name()
                        + (p.problem().isBlank()
                            ? ""
                            : ": executions not readable: " + p.problem()));
                if (p.problem().isBlank() && p.executions().isEmpty()) {
                  out.println("  no executions yet (gifmachine-on-aws release starts one)");
                }
                p.executions()
                    .forEach(
                        e ->
                            out.printf(
                                "  %-36s %-11s %-40s %s%n",
                                e.id(),
                                e.status(),
                                e.source().isBlank() ? "-" : e.source(),
                                e.started()));
              });
      printSnapshots(out, snapshots);
      boolean deployed = report.stacks().stream().anyMatch(s -> !s.status().equals("NOT_DEPLOYED"));
      out.println(
          deployed ? "Next: gifmachine-on-aws logs --follow" : "Next: gifmachine-on-aws up");
      return 0;
    }
  }

  /** The deployment's DB snapshots, newest first, each one a name up --restore-snapshot takes. */
  private static void printSnapshots(
      java.io.PrintWriter out, List<DatabaseGateway.Snapshot> snapshots) {
    if (snapshots.isEmpty()) {
      return;
    }
    out.println("DB snapshots (newest first; up --restore-snapshot NAME restores one):");
    snapshots.forEach(
        s -> out.println("  " + s.identifier() + "  " + s.created() + "  " + s.status()));
  }
}
