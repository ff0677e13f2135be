package gifmachine.cli.command;

import gifmachine.cli.aws.Aws;
import gifmachine.cli.aws.LogsGateway;
import gifmachine.cli.config.ConfigException;
import gifmachine.cli.deploy.DeploymentException;
import gifmachine.cli.deploy.Preflight;
import gifmachine.cli.deploy.Stacks;
import gifmachine.infra.StackOutputs;
import gifmachine.infra.StackPart;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code logs}: the Gifmachine service's CloudWatch logs, from {@code --since} ago, optionally
 * filtered (CloudWatch filter syntax) and followed.
 *
 * <pre>{@code
 * gifmachine-on-aws logs --since 1h --filter '"POST /gif"' --follow
 * }</pre>
 */
@Command(
    name = "logs",
    mixinStandardHelpOptions = true,
    description = "Show (and follow) the service's logs.")
public final class LogsCommand extends AwsCommand {

  private static final Pattern DURATION = Pattern.compile("(\\d+)([smhd])");

  @Option(
      names = "--since",
      paramLabel = "DURATION",
      description = "How far back: 30s, 10m, 2h, 1d (default 10m).")
  String since = "10m";

  @Option(
      names = {"-f", "--follow"},
      description = "Keep printing new lines until Ctrl-C.")
  boolean follow;

  @Option(
      names = "--filter",
      paramLabel = "PATTERN",
      description = "CloudWatch Logs filter pattern, e.g. '\"POST /gif\"'.")
  String filter = "";

  /** Tests bound --follow; users stop it with Ctrl-C. */
  @Option(names = "--follow-for", hidden = true)
  Duration followFor = Duration.ofDays(3650);

  public LogsCommand(CliContext context) {
    super(context);
  }

  static Duration parse(String text) {
    Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new ConfigException(
          "since \"" + text + "\": must be a number and a unit, like 30s, 10m, 2h or 1d");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }

  @Override
  protected int run(DeployOptions.Resolved resolved) throws Exception {
    Duration back = parse(since);
    try (Aws aws = connect(resolved)) {
      String group =
          Stacks.read(aws, resolved.config())
              .output(StackPart.GIFMACHINE, StackOutputs.LOG_GROUP_NAME)
              .orElseThrow(
                  () ->
                      new DeploymentException(
                          DeploymentException.Exit.FAILED,
                          "logs: "
                              + resolved.config().stackName(StackPart.GIFMACHINE)
                              + " is not deployed",
                          "run gifmachine-on-aws up first"));
      Instant from = context.pacer().now().minus(back);
      Instant stopAt = context.pacer().now().plus(followFor);
      Set<String> printed = new HashSet<>();
      var out = out();
      while (true) {
        String token = "";
        Instant newest = from;
        do {
          String pageToken = token;
          Instant pageFrom = from;
          LogsGateway.Page page =
              Preflight.guard(
                  "reading logs of " + group,
                  () -> aws.logs().filter(group, pageFrom, filter, pageToken));
          for (LogsGateway.LogLine line : page.lines()) {
            String key = line.timestamp() + "|" + line.stream() + "|" + line.message();
            if (printed.add(key)) {
              out.println(line.timestamp() + " " + line.stream() + " " + line.message());
            }
            if (line.timestamp().isAfter(newest)) {
              newest = line.timestamp();
            }
          }
          token = page.nextToken().orElse("");
        } while (!token.isEmpty());
        out.flush();
        if (!follow || context.pacer().now().isAfter(stopAt)) {
          return 0;
        }
        from = newest;
        context.pacer().sleep(Duration.ofSeconds(2));
      }
    }
  }
}
