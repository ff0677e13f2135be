package gifmachine.infra;

/**
 * How the internet reaches Gifmachine and Grafana.
 *
 * <p>{@link #CLOUDFRONT} (the default): HTTPS on {@code https://<id>.cloudfront.net} (or an own
 * domain) without owning a domain; the load balancer is internal, in the private subnets, reached
 * through a CloudFront VPC origin and admitting only CloudFront's origin-facing addresses. {@link
 * #ALB}: the earlier shape, an internet-facing load balancer with two public IPv4 addresses; HTTPS
 * only with an own domain and certificate.
 */
public enum Edge {
  CLOUDFRONT,
  ALB
}
