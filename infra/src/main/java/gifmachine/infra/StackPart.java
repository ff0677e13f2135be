package gifmachine.infra;

/**
 * The parts of a deployment, one CloudFormation stack each, named {@code
 * {environment}-{company}-{part}}. Declared in deployment order: a part depends only on parts
 * before it.
 */
public enum StackPart {
  /**
   * The role CloudFormation deploys every other part with. An administrator deploys it (or changes
   * it); the operator only passes it.
   */
  EXECUTION_ROLE("deployer"),
  /** ECR repositories for every image; deployed first so that images can be pushed. */
  REGISTRY("registry"),
  /**
   * The WAF web ACL of the CloudFront distribution ({@code --waf} with the CloudFront edge):
   * deployed to us-east-1, as CLOUDFRONT-scope web ACLs must be; its ARN goes into the edge stack.
   */
  FIREWALL("waf"),
  /** VPC, subnets, NAT, endpoints. */
  NETWORK("network"),
  /** RDS for PostgreSQL and its generated credentials. */
  DATABASE("db"),
  /** ECS cluster, Fargate service (Gifmachine + cSidecar), load balancer, scaling, WAF, logs. */
  GIFMACHINE("gifmachine"),
  /** Prometheus + cDepot (+ Grafana) task, Cloud Map, Grafana's route on the load balancer. */
  MONITORING("monitoring"),
  /** The CloudFront distribution and its VPC origin to the internal load balancer. */
  EDGE("edge"),
  /** CodePipeline and CodeBuild delivery. */
  PIPELINE("pipeline");

  private final String suffix;

  StackPart(String suffix) {
    this.suffix = suffix;
  }

  /** The last word of the stack name, e.g. {@code db}. */
  public String suffix() {
    return suffix;
  }
}
