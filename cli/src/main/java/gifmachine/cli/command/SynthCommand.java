package gifmachine.cli.command;

import gifmachine.cli.config.ConfigException;
import gifmachine.cli.deploy.DeploymentException;
import gifmachine.infra.SynthesizedApp;
import gifmachine.infra.TemplateWriter;
import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code synth --out DIR}: writes every synthesized template to a folder, for review and for
 * cfn-lint and checkov in CI. Needs no AWS access.
 *
 * <pre>{@code
 * gifmachine-on-aws synth -e prod -c dundermiff --region eu-west-1 --out build/templates && cfn-lint build/templates/*.json
 * }</pre>
 */
@Command(
    name = "synth",
    mixinStandardHelpOptions = true,
    description = "Write every CloudFormation template to a folder.")
public final class SynthCommand extends AwsCommand {

  @Option(
      names = "--out",
      required = true,
      paramLabel = "DIR",
      description = "Folder to write the templates to.")
  Path out;

  public SynthCommand(CliContext context) {
    super(context);
  }

  @Override
  protected int run(DeployOptions.Resolved resolved) throws Exception {
    Path dir = context.workingDirectory().resolve(out);
    // Checked before synthesis, which takes seconds, by really writing there.
    String problem = WritableDirectory.problem(dir);
    if (!problem.isEmpty()) {
      throw new ConfigException(
          "out " + out + ": cannot write templates there (" + problem + ")",
          "Choose a folder you can write to, e.g. --out build/templates");
    }
    Instant start = Instant.now();
    SynthesizedApp app = context.synthesizer().apply(resolved.config());
    Duration took = Duration.between(start, Instant.now());
    List<Path> written;
    try {
      written = TemplateWriter.write(app, dir);
    } catch (IOException e) {
      String file =
          e instanceof FileSystemException f && f.getFile() != null ? f.getFile() : dir.toString();
      throw new DeploymentException(
          DeploymentException.Exit.FAILED,
          "writing "
              + file
              + ": "
              + (e instanceof FileSystemException f && f.getReason() != null
                  ? f.getReason()
                  : e.toString()),
          "Check the free space and permissions of " + dir + ", then run synth again.",
          e);
    }
    written.forEach(out()::println);
    err()
        .printf(
            "Synthesized %d stacks in %.1f s.%n", app.stacks().size(), took.toMillis() / 1000.0);
    out().println("Next: cfn-lint " + dir + "/*.template.json");
    return 0;
  }
}
