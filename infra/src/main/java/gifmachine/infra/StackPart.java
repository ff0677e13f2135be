package gifmachine.infra;

/**
 * The parts of a deployment, one CloudFormation stack each, named {@code
 * {environment}-{company}-{part}}. Declared in deployment order: a part depends only on parts
 * before it.
 */
public enum StackPart {
  /**
   * The role CloudFormation deploys every other part with. An administrator deploys it (or
   * changes it); the operator only passes it.
   */
  EXECUTION_ROLE("deployer"),
  /** ECR repositories for every image; deployed first so that images can be pushed. */
  REGISTRY("registry"),
  /** VPC, subnets, NAT, endpoints. */
  NETWORK("network"),
  /** RDS for PostgreSQL and its generated credentials. */
  DATABASE("db"),
  /** ECS cluster, Fargate service (Gifmachine + cSidecar), load balancer, scaling, WAF, logs. */
  GIFMACHINE("gifmachine"),
  /** Prometheus + cDepot task, Grafana task, EFS, Cloud Map. */
  MONITORING("monitoring"),
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
