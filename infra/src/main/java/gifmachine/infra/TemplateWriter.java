package gifmachine.infra;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a synthesized app's templates to a folder, one {@code <stack name>.template.json} each,
 * for review, cfn-lint and checkov. As a program it synthesizes the default deployment (or the one
 * named by its arguments) and prints how long synthesis took:
 *
 * <pre>
 * java -cp infra.jar:… gifmachine.infra.TemplateWriter target/templates prod dundermiff eu-west-1
 * </pre>
 */
public final class TemplateWriter {
  private TemplateWriter() {}

  /** Writes every template of {@code app} into {@code dir} and returns the files written. */
  public static List<Path> write(SynthesizedApp app, Path dir) throws IOException {
    Files.createDirectories(dir);
    List<Path> written = new ArrayList<>();
    for (SynthesizedStack stack : app.stacks()) {
      Path file = dir.resolve(stack.stackName() + ".template.json");
      Files.writeString(file, stack.templateBody());
      written.add(file);
    }
    return written;
  }

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "target/templates");
    String environment = args.length > 1 ? args[1] : "prod";
    String company = args.length > 2 ? args[2] : "dundermiff";
    String region = args.length > 3 ? args[3] : "eu-west-1";
    String digest = "@sha256:" + "0".repeat(64);
    String registry =
        "123456789012.dkr.ecr." + region + ".amazonaws.com/" + environment + "-" + company + "/";
    DeploymentConfig config =
        DeploymentConfig.builder(environment, company, region)
            .images(ImageSet.of(image -> registry + image.repositoryName() + digest))
            .build();
    // More than one run shows the cold start (jsii starting node, loading aws-cdk-lib) apart
    // from warm synthesis; bench/infra/synth.sh uses it.
    int runs = Integer.getInteger("gifmachine.synth.runs", 1);
    SynthesizedApp app = null;
    for (int run = 1; run <= runs; run++) {
      long start = System.nanoTime();
      app = Infrastructure.synthesize(config);
      long millis = (System.nanoTime() - start) / 1_000_000;
      System.out.printf(
          "run %d: synthesized %d stacks in %d ms%n", run, app.stacks().size(), millis);
    }
    write(app, dir).forEach(file -> System.out.println(file));
  }
}
