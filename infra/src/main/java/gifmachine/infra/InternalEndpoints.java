package gifmachine.infra;

import java.util.List;
import software.amazon.awscdk.services.elasticloadbalancingv2.ApplicationListenerRule;
import software.amazon.awscdk.services.elasticloadbalancingv2.FixedResponseOptions;
import software.amazon.awscdk.services.elasticloadbalancingv2.IApplicationListener;
import software.amazon.awscdk.services.elasticloadbalancingv2.ListenerAction;
import software.amazon.awscdk.services.elasticloadbalancingv2.ListenerCondition;
import software.constructs.Construct;

/**
 * A listener rule that answers 404 for the endpoints only Prometheus may read (Gifmachine's {@code
 * /metrics}, Grafana's own {@code /grafana/metrics}), ahead of every forwarding rule. Prometheus
 * scrapes the tasks directly inside the VPC, so nothing it needs passes the load balancer;
 * CloudFront's only origin is this load balancer, so this closes them there too. Javalin ignores a
 * trailing slash, hence the {@code /*} patterns.
 *
 * <pre>{@code
 * curl -i https://d111111abcdef8.cloudfront.net/metrics   # 404 {"error":"not found"}
 * }</pre>
 */
public final class InternalEndpoints extends Construct {

  /** Lowest number = evaluated first (ALB rule priorities, 1-50000). */
  static final int PRIORITY = 1;

  /** At most five condition values per rule (ALB quota "condition values per rule"). */
  static final List<String> PATHS =
      List.of("/metrics", "/metrics/*", "/grafana/metrics", "/grafana/metrics/*");

  public InternalEndpoints(Construct scope, String id, IApplicationListener listener) {
    super(scope, id);
    ApplicationListenerRule.Builder.create(this, "NotFound")
        .listener(listener)
        .priority(PRIORITY)
        .conditions(List.of(ListenerCondition.pathPatterns(PATHS)))
        .action(
            ListenerAction.fixedResponse(
                404,
                FixedResponseOptions.builder()
                    .contentType("application/json")
                    .messageBody("{\"error\":\"not found\"}")
                    .build()))
        .build();
  }
}
