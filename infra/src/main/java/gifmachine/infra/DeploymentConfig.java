package gifmachine.infra;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Everything the stacks need to know about one deployment. The CLI fills it from flags,
 * environment and config file; {@link #builder(String, String, String)} gives the defaults.
 *
 * <pre>{@code
 * DeploymentConfig config = DeploymentConfig.builder("prod", "dundermiff", "eu-west-1")
 *     .account("123456789012")
 *     .images(images)
 *     .build();
 * }</pre>
 */
public record DeploymentConfig(
    String environment,
    String company,
    String region,
    String account,
    ImageSet images,
    boolean natGateway,
    boolean interfaceEndpoints,
    boolean graviton,
    boolean waf,
    String certificateArn,
    int minTasks,
    int maxTasks,
    String dbInstanceClass,
    boolean monitoring,
    boolean pipeline,
    boolean separateGrafanaTask,
    Rollout rollout) {

  /** Tag key on every resource; its value is {@link #deploymentName()}. Teardown searches by it. */
  public static final String DEPLOYMENT_TAG = "gifmachine-on-aws:deployment";

  /** Value of the {@code Service} tag. */
  public static final String SERVICE = "gifmachine-on-aws";

  public DeploymentConfig {
    Objects.requireNonNull(environment, "environment");
    Objects.requireNonNull(company, "company");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(images, "images");
    Objects.requireNonNull(dbInstanceClass, "dbInstanceClass");
    rollout = rollout == null ? Rollout.defaults() : rollout;
    account = account == null ? "" : account;
    certificateArn = certificateArn == null ? "" : certificateArn;
    validate(environment, company, region, account, certificateArn, minTasks, maxTasks,
        dbInstanceClass);
  }

  /** Lowercase, starts with a letter (stack names must), no trailing or doubled hyphen. */
  private static final Pattern NAME = Pattern.compile("[a-z](?:[a-z0-9]|-(?=[a-z0-9]))*");
  private static final Pattern REGION = Pattern.compile("[a-z]{2}(?:-[a-z]+)+-\\d{1,2}");
  private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
  private static final Pattern CERTIFICATE =
      Pattern.compile("arn:aws[a-z-]*:acm:[a-z0-9-]+:\\d{12}:certificate/[A-Za-z0-9-]+");
  private static final Pattern DB_CLASS = Pattern.compile("db\\.[a-z0-9]+\\.[a-z0-9]+");
  /**
   * Longest {@code {environment}-{company}}: keeps every derived name (stack names up to 128,
   * ECR repository {@code {deployment}/grafana}, Cloud Map namespace labels up to 63) valid.
   */
  public static final int MAX_DEPLOYMENT_NAME = 40;
  /** Fargate service quota per service is far higher; 20 keeps a typo from costing a fortune. */
  public static final int MAX_TASKS = 20;

  private static void validate(String environment, String company, String region,
      String account, String certificateArn, int minTasks, int maxTasks, String dbInstanceClass) {
    requireName("environment", environment);
    requireName("company", company);
    String deployment = environment + "-" + company;
    if (deployment.length() > MAX_DEPLOYMENT_NAME) {
      throw invalid("environment and company \"" + deployment + "\"",
          "together at most " + MAX_DEPLOYMENT_NAME + " characters, got " + deployment.length());
    }
    if (!REGION.matcher(region).matches()) {
      throw invalid("region \"" + region + "\"", "not an AWS region name like eu-west-1");
    }
    if (!account.isEmpty() && !ACCOUNT.matcher(account).matches()) {
      throw invalid("account \"" + account + "\"", "must be 12 digits");
    }
    if (!certificateArn.isBlank() && !CERTIFICATE.matcher(certificateArn).matches()) {
      throw invalid("certificate \"" + certificateArn + "\"",
          "not an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)");
    }
    if (!certificateArn.isBlank()) {
      // The load balancer's listeners use it: it must be in the deployment's region.
      CertificateRegion.require(certificateArn, region, "the load balancer in " + region);
    }
    if (minTasks < 1 || maxTasks < minTasks || maxTasks > MAX_TASKS) {
      throw invalid("tasks " + minTasks + ".." + maxTasks,
          "need 1 <= min <= max <= " + MAX_TASKS);
    }
    if (!DB_CLASS.matcher(dbInstanceClass).matches()) {
      throw invalid("database instance class \"" + dbInstanceClass + "\"",
          "not an RDS class like db.t4g.micro");
    }
    ConnectionBudget.of(dbInstanceClass, maxTasks);
  }

  private static void requireName(String field, String value) {
    if (!NAME.matcher(value).matches()) {
      throw invalid(field + " \"" + value + "\"",
          "must start with a lowercase letter and contain only lowercase letters, digits and"
              + " single hyphens (not at the end)");
    }
  }

  private static InvalidDeploymentConfigException invalid(String what, String why) {
    return new InvalidDeploymentConfigException(what + ": " + why);
  }

  /** {@code {environment}-{company}}: the prefix of every stack name. */
  public String deploymentName() {
    return environment + "-" + company;
  }

  /** {@code {environment}-{company}-{part}}. */
  public String stackName(StackPart part) {
    return deploymentName() + "-" + part.suffix();
  }

  /**
   * Name of the Secrets Manager secret holding the Gifmachine API password. The CLI creates it
   * before the stacks; templates refer to it by name, never by value.
   */
  public String apiPasswordSecretName() {
    return deploymentName() + "/gifmachine/api-password";
  }

  public Optional<String> certificate() {
    return Optional.of(certificateArn).filter(arn -> !arn.isBlank());
  }

  /** The tags every resource carries, {@link #DEPLOYMENT_TAG} included. */
  public java.util.Map<String, String> tags() {
    return java.util.Map.of(
        "Environment", environment,
        "Company", company,
        "Service", SERVICE,
        DEPLOYMENT_TAG, deploymentName());
  }

  /** Private DNS namespace (Cloud Map) where cDepot registers: {@code cdepot.<namespace>}. */
  public String serviceDiscoveryNamespace() {
    return deploymentName() + ".gifmachine.internal";
  }

  /** What cSidecar posts heartbeats to; a name, so the service does not wait for monitoring. */
  public String cdepotUrl() {
    return "http://cdepot." + serviceDiscoveryNamespace() + ":8002";
  }

  public static Builder builder(String environment, String company, String region) {
    return new Builder(environment, company, region);
  }

  /**
   * Defaults: NAT instance, no interface endpoints, ARM64 tasks, 1–4 tasks, db.t4g.micro,
   * monitoring (Prometheus, cDepot and Grafana in one task) and the pipeline.
   */
  public static final class Builder {
    private final String environment;
    private final String company;
    private final String region;
    private String account = "000000000000";
    private ImageSet images;
    private boolean natGateway = false;
    private boolean interfaceEndpoints = false;
    private boolean graviton = true;
    private boolean waf = false;
    private String certificateArn;
    private int minTasks = 1;
    private int maxTasks = 4;
    private String dbInstanceClass = "db.t4g.micro";
    private boolean monitoring = true;
    private boolean pipeline = true;
    private boolean separateGrafanaTask = false;
    private Rollout rollout = Rollout.defaults();

    private Builder(String environment, String company, String region) {
      this.environment = environment;
      this.company = company;
      this.region = region;
    }

    public Builder account(String value) { this.account = value; return this; }
    public Builder images(ImageSet value) { this.images = value; return this; }
    public Builder natGateway(boolean value) { this.natGateway = value; return this; }
    public Builder interfaceEndpoints(boolean value) { this.interfaceEndpoints = value; return this; }
    public Builder graviton(boolean value) { this.graviton = value; return this; }
    public Builder waf(boolean value) { this.waf = value; return this; }
    public Builder certificateArn(String value) { this.certificateArn = value; return this; }
    public Builder minTasks(int value) { this.minTasks = value; return this; }
    public Builder maxTasks(int value) { this.maxTasks = value; return this; }
    public Builder dbInstanceClass(String value) { this.dbInstanceClass = value; return this; }
    public Builder monitoring(boolean value) { this.monitoring = value; return this; }
    public Builder pipeline(boolean value) { this.pipeline = value; return this; }
    /** Grafana in its own task (more isolation, ~$7/month more) instead of beside Prometheus. */
    public Builder separateGrafanaTask(boolean value) { this.separateGrafanaTask = value; return this; }
    public Builder rollout(Rollout value) { this.rollout = value; return this; }

    public DeploymentConfig build() {
      return new DeploymentConfig(environment, company, region, account, images, natGateway,
          interfaceEndpoints, graviton, waf, certificateArn, minTasks, maxTasks, dbInstanceClass,
          monitoring, pipeline, separateGrafanaTask, rollout);
    }
  }
}
