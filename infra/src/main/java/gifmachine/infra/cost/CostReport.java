package gifmachine.infra.cost;

import java.util.List;
import java.util.Locale;

/**
 * A monthly cost estimate, line by line, with the price date and the usage assumptions behind it.
 * {@link #renderText()} is the table the CLI's {@code cost} command prints.
 */
public record CostReport(
    String title,
    String region,
    String priceDate,
    String currency,
    List<CostLine> lines,
    List<String> assumptions) {

  public CostReport {
    lines = List.copyOf(lines);
    assumptions = List.copyOf(assumptions);
  }

  public double total() {
    return lines.stream().mapToDouble(CostLine::monthly).sum();
  }

  /** A fixed-width table: item, basis, monthly; then the total and the assumptions. */
  public String renderText() {
    int itemWidth = Math.max(24, lines.stream().mapToInt(l -> l.item().length()).max().orElse(0));
    int basisWidth = Math.max(5, lines.stream().mapToInt(l -> l.basis().length()).max().orElse(0));
    String row = "%-" + itemWidth + "s  %-" + basisWidth + "s  %9s%n";
    StringBuilder out = new StringBuilder();
    out.append(
        String.format(
            Locale.ROOT,
            "%s — %s, prices of %s (%s per month)%n",
            title,
            region,
            priceDate,
            currency));
    out.append(String.format(Locale.ROOT, row, "ITEM", "BASIS", "MONTHLY"));
    for (CostLine line : lines) {
      out.append(String.format(Locale.ROOT, row, line.item(), line.basis(), money(line.monthly())));
    }
    out.append(String.format(Locale.ROOT, row, "TOTAL", "", money(total())));
    for (String assumption : assumptions) {
      out.append("  * ").append(assumption).append(System.lineSeparator());
    }
    return out.toString();
  }

  static String money(double value) {
    return String.format(Locale.ROOT, "%.2f", value);
  }
}
