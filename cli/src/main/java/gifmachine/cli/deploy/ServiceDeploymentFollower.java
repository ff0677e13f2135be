package gifmachine.cli.deploy;

import gifmachine.cli.aws.AwsCallException;
import gifmachine.cli.aws.ServiceGateway;
import gifmachine.cli.aws.ServiceGateway.ServiceDeployment;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Shows ECS's blue/green deployments of the Gifmachine service while CloudFormation waits for them:
 * each new lifecycle stage ({@code SCALE_UP}, {@code TEST_TRAFFIC_SHIFT}, {@code
 * PRODUCTION_TRAFFIC_SHIFT}, {@code BAKE_TIME}, …) or status once, as a progress step. Looks only
 * while the Gifmachine stack is the one being polled, with ListServiceDeployments and
 * DescribeServiceDeployments
 * (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-deployment.html). A failure
 * to look is said once and never fails {@code up}: the stack's outcome decides.
 */
final class ServiceDeploymentFollower implements StackProbe {

  private final ServiceGateway services;
  private final String stackName;
  private final String cluster;
  private final String service;
  private final Instant since;
  private final ProgressListener progress;
  private final Pacer pacer;
  private final Map<String, ServiceDeployment> seen = new LinkedHashMap<>();
  private boolean warned;

  ServiceDeploymentFollower(
      ServiceGateway services,
      String stackName,
      String cluster,
      String service,
      Instant since,
      ProgressListener progress,
      Pacer pacer) {
    this.services = services;
    this.stackName = stackName;
    this.cluster = cluster;
    this.service = service;
    this.since = since;
    this.progress = progress;
    this.pacer = pacer;
  }

  @Override
  public synchronized void poll(String polled) {
    if (!polled.equals(stackName)) {
      return;
    }
    List<ServiceDeployment> deployments;
    try {
      deployments = services.serviceDeployments(cluster, service, since);
    } catch (AwsCallException e) {
      if (!warned) {
        warned = true;
        progress.on(
            new ProgressEvent.Step(
                "following ECS deployments of "
                    + service
                    + ": "
                    + e.getMessage()
                    + " (the stack update goes on)",
                pacer.now()));
      }
      return;
    }
    for (ServiceDeployment deployment : deployments) {
      ServiceDeployment before = seen.put(deployment.arn(), deployment);
      if (before == null
          || !before.status().equals(deployment.status())
          || !before.lifecycleStage().equals(deployment.lifecycleStage())) {
        progress.on(new ProgressEvent.Step(describe(deployment), pacer.now()));
      }
    }
  }

  /** Every deployment seen, in the order first seen, as last seen. */
  synchronized List<ServiceDeployment> seen() {
    return new ArrayList<>(seen.values());
  }

  static String describe(ServiceDeployment d) {
    String id = d.arn().substring(d.arn().lastIndexOf('/') + 1);
    return "ECS deployment "
        + id
        + ": "
        + d.status()
        + (d.lifecycleStage().isBlank() ? "" : ", " + d.lifecycleStage())
        + (d.statusReason().isBlank() ? "" : " (" + d.statusReason() + ")");
  }
}
