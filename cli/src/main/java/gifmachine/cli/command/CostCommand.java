package gifmachine.cli.command;

import gifmachine.cli.config.ConfigException;
import gifmachine.infra.cost.CostEstimator;
import gifmachine.infra.cost.CostReport;
import gifmachine.infra.cost.PriceTable;
import java.util.Locale;
import picocli.CommandLine.Command;

/**
 * {@code cost}: the monthly estimate of the deployment the options describe (synthesized here,
 * priced by the infrastructure's dated price table), next to the earlier project's. Needs no AWS
 * access.
 *
 * <pre>{@code
 * gifmachine-on-aws cost -e prod -c dundermiff --region eu-west-1 --nat-gateway
 * }</pre>
 */
@Command(
    name = "cost",
    mixinStandardHelpOptions = true,
    description =
        "Estimate the monthly AWS cost of this configuration, next to the earlier project's.")
public final class CostCommand extends AwsCommand {

  public CostCommand(CliContext context) {
    super(context);
  }

  @Override
  protected int run(DeployOptions.Resolved resolved) {
    PriceTable prices = PriceTable.bundled();
    String region = resolved.config().region();
    if (prices.region(region).isEmpty()) {
      throw new ConfigException(
          "region "
              + region
              + ": no prices for it in the price table (priced: "
              + String.join(", ", new java.util.TreeSet<>(prices.regions().keySet()))
              + ")");
    }
    CostEstimator estimator = new CostEstimator(prices);
    CostReport ours = estimator.estimate(context.synthesizer().apply(resolved.config()), region);
    CostReport earlier = estimator.earlierProject(region);
    var out = out();
    out.print(ours.renderText());
    out.println();
    out.print(earlier.renderText());
    out.println();
    out.printf(
        Locale.ROOT,
        "This deployment: %.2f %s a month; the earlier project: %.2f %s a month.%n",
        ours.total(),
        ours.currency(),
        earlier.total(),
        earlier.currency());
    out.println("Next: gifmachine-on-aws up");
    return 0;
  }
}
