package gifmachine.infra.cost;

/**
 * One priced item of a {@link CostReport}.
 *
 * @param item what is billed, e.g. {@code EC2 t4g.nano (NAT instance)}
 * @param basis how the figure comes about, e.g. {@code 730 h × $0.0046}
 * @param monthly the monthly cost in the price table's currency
 */
public record CostLine(String item, String basis, double monthly) {}
