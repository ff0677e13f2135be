package gifmachine.cli.command;

import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/**
 * {@code --verbose}, one option for every command that has it (a picocli mixin, also inside {@link
 * DeployOptions}): stack traces with errors. {@link gifmachine.cli.Main} reads it from the command
 * that failed; the CDK's own output is routed before parsing, from the raw argument.
 *
 * <pre>{@code
 * @Mixin VerboseOption verbosity;   // then: if (verbosity.verbose()) e.printStackTrace(err);
 * }</pre>
 */
public final class VerboseOption {

  @Option(
      names = "--verbose",
      description = "Show stack traces with errors, and what the CDK prints.")
  boolean verbose;

  /** Whether {@code --verbose} was given. */
  public boolean verbose() {
    return verbose;
  }

  /**
   * Whether {@code commandLine}'s command, through any of its mixins, was given {@code --verbose}.
   */
  public static boolean requested(CommandLine commandLine) {
    return requested(commandLine.getCommandSpec());
  }

  private static boolean requested(CommandSpec spec) {
    for (CommandSpec mixin : spec.mixins().values()) {
      if (mixin.userObject() instanceof VerboseOption option && option.verbose
          || requested(mixin)) {
        return true;
      }
    }
    return false;
  }
}
