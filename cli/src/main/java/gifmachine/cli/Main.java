package gifmachine.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code gifmachine-on-aws}: runs the whole Gifmachine system on this machine ({@code local})
 * or deploys it to AWS and takes it down again.
 *
 * <pre>{@code
 * gifmachine-on-aws local
 * gifmachine-on-aws up --environment prod --company dundermiff --region eu-west-1
 * }</pre>
 */
@Command(
    name = "gifmachine-on-aws",
    mixinStandardHelpOptions = true,
    version = "gifmachine-on-aws 0.1.0",
    description = "Gifmachine with monitoring and a blue/green pipeline, on AWS or on this machine.",
    subcommands = {
      // Each command registers itself here.
      gifmachine.cli.command.LocalCommand.class,
      gifmachine.cli.command.ImagesCommand.class,
    })
public final class Main {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line as production runs it; tests call this and set out/err. */
  public static CommandLine commandLine() {
    return new CommandLine(new Main());
  }
}
