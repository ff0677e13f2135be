package gifmachine.infra;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Everything the stacks need to know about one deployment. The CLI fills it from flags, environment
 * and config file; {@link #builder(String, String, String)} gives the defaults.
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
    Rollout rollout,
    Edge edge,
    String domain,
    String originFacingPrefixListId,
    String cloudFrontWebAclArn,
    boolean monitoringSpot,
    String hookCodeKey,
    List<String> availabilityZones,
    String natImageId,
    String restoreSnapshot) {

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
    hookCodeKey = hookCodeKey == null ? "" : hookCodeKey;
    availabilityZones = availabilityZones == null ? List.of() : List.copyOf(availabilityZones);
    natImageId = natImageId == null ? "" : natImageId;
    restoreSnapshot = restoreSnapshot == null ? "" : restoreSnapshot;
    account = account == null ? "" : account;
    certificateArn = certificateArn == null ? "" : certificateArn;
    Objects.requireNonNull(edge, "edge");
    domain = domain == null ? "" : domain;
    originFacingPrefixListId = originFacingPrefixListId == null ? "" : originFacingPrefixListId;
    cloudFrontWebAclArn = cloudFrontWebAclArn == null ? "" : cloudFrontWebAclArn;
    validate(
        environment, company, region, account, certificateArn, minTasks, maxTasks, dbInstanceClass);
    validateEdge(
        edge, domain, certificateArn, region, originFacingPrefixListId, cloudFrontWebAclArn);
    validateDayTwo(region, availabilityZones, natImageId, restoreSnapshot);
  }

  private static final Pattern AMI = Pattern.compile("ami-[0-9a-f]{8,17}");

  /**
   * A DB snapshot's name (1-255 letters, digits and hyphens, starting with a letter, no two hyphens
   * in a row, not ending in one) or its ARN.
   * https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBSnapshot.html
   */
  private static final Pattern SNAPSHOT =
      Pattern.compile(
          "(arn:aws[a-z-]*:rds:[a-z0-9-]+:\\d{12}:snapshot:)?[A-Za-z](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,254}");

  /** The network's zones (none: CloudFormation's first two), the NAT image and the snapshot. */
  private static void validateDayTwo(
      String region, List<String> zones, String natImageId, String restoreSnapshot) {
    if (!zones.isEmpty()
        && (zones.size() != 2
            || zones.get(0).equals(zones.get(1))
            || zones.stream().anyMatch(zone -> !zone.matches(Pattern.quote(region) + "[a-z]")))) {
      throw invalid("availability zones " + zones, "need two different zones of " + region);
    }
    if (!natImageId.isEmpty() && !AMI.matcher(natImageId).matches()) {
      throw invalid("NAT image \"" + natImageId + "\"", "not an AMI ID like ami-0123456789abcdef0");
    }
    if (!restoreSnapshot.isEmpty() && !SNAPSHOT.matcher(restoreSnapshot).matches()) {
      throw invalid(
          "snapshot \"" + restoreSnapshot + "\"",
          "not a DB snapshot name or ARN (letters, digits and single hyphens, starting with a letter)");
    }
  }

  /**
   * Where the WAF web ACL of a CloudFront distribution lives: a web ACL with scope CLOUDFRONT must
   * be created in US East (N. Virginia)
   * (https://docs.aws.amazon.com/waf/latest/developerguide/how-aws-waf-works-resources.html). So
   * must the distribution's ACM certificate
   * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cnames-and-https-requirements.html).
   */
  public static final String CLOUDFRONT_REGION = "us-east-1";

  /**
   * What synthesis writes for CloudFront's origin-facing prefix list when none was looked up
   * ({@code synth} and {@code cost} run without AWS access); {@code up} and {@code plan} look the
   * real ID up first, and {@code up} refuses to deploy this placeholder.
   */
  public static final String PREFIX_LIST_PLACEHOLDER = "pl-00000000";

  private static final Pattern PREFIX_LIST = Pattern.compile("pl-[0-9a-f]{8,17}");
  private static final Pattern DOMAIN =
      Pattern.compile("(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,63}");
  private static final Pattern WEB_ACL =
      Pattern.compile("arn:aws[a-z-]*:wafv2:us-east-1:\\d{12}:global/webacl/.+");

  private static void validateEdge(
      Edge edge,
      String domain,
      String certificateArn,
      String region,
      String prefixList,
      String webAcl) {
    if (!domain.isEmpty()) {
      if (!DOMAIN.matcher(domain).matches()) {
        throw invalid(
            "domain \"" + domain + "\"", "not a lowercase DNS name like gifs.example.com");
      }
      if (certificateArn.isBlank()) {
        throw invalid(
            "domain \"" + domain + "\"",
            "needs --certificate-arn, an ACM certificate for that name");
      }
    }
    if (!certificateArn.isBlank()) {
      String required = edge == Edge.CLOUDFRONT ? CLOUDFRONT_REGION : region;
      // The distribution uses it with the CloudFront edge, the load balancer's listeners with
      // the ALB edge (validateEdge runs after validate, which checked the ARN's form).
      CertificateRegion.require(
          certificateArn,
          required,
          edge == Edge.CLOUDFRONT ? "CloudFront" : "the load balancer in " + region);
      if (edge == Edge.CLOUDFRONT && domain.isEmpty()) {
        throw invalid(
            "certificate \"" + certificateArn + "\"",
            "with the CloudFront edge a certificate needs --domain, the name it is for");
      }
    }
    if (!prefixList.isEmpty() && !PREFIX_LIST.matcher(prefixList).matches()) {
      throw invalid("prefix list \"" + prefixList + "\"", "not a prefix list ID like pl-3b927c52");
    }
    if (!webAcl.isEmpty() && !WEB_ACL.matcher(webAcl).matches()) {
      throw invalid(
          "web ACL \"" + webAcl + "\"", "not a CloudFront-scope WAF web ACL ARN in us-east-1");
    }
  }

  /** Lowercase, starts with a letter (stack names must), no trailing or doubled hyphen. */
  private static final Pattern NAME = Pattern.compile("[a-z](?:[a-z0-9]|-(?=[a-z0-9]))*");

  private static final Pattern REGION = Pattern.compile("[a-z]{2}(?:-[a-z]+)+-\\d{1,2}");
  private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
  private static final Pattern CERTIFICATE =
      Pattern.compile("arn:aws[a-z-]*:acm:[a-z0-9-]+:\\d{12}:certificate/[A-Za-z0-9-]+");
  private static final Pattern DB_CLASS = Pattern.compile("db\\.[a-z0-9]+\\.[a-z0-9]+");

  /**
   * Longest {@code {environment}-{company}}: keeps every derived name (stack names up to 128, ECR
   * repository {@code {deployment}/grafana}, Cloud Map namespace labels up to 63) valid.
   */
  public static final int MAX_DEPLOYMENT_NAME = 40;

  /** Fargate service quota per service is far higher; 20 keeps a typo from costing a fortune. */
  public static final int MAX_TASKS = 20;

  private static void validate(
      String environment,
      String company,
      String region,
      String account,
      String certificateArn,
      int minTasks,
      int maxTasks,
      String dbInstanceClass) {
    requireName("environment", environment);
    requireName("company", company);
    String deployment = environment + "-" + company;
    if (deployment.length() > MAX_DEPLOYMENT_NAME) {
      throw invalid(
          "environment and company \"" + deployment + "\"",
          "together at most " + MAX_DEPLOYMENT_NAME + " characters, got " + deployment.length());
    }
    if (!REGION.matcher(region).matches()) {
      throw invalid("region \"" + region + "\"", "not an AWS region name like eu-west-1");
    }
    if (!account.isEmpty() && !ACCOUNT.matcher(account).matches()) {
      throw invalid("account \"" + account + "\"", "must be 12 digits");
    }
    if (!certificateArn.isBlank() && !CERTIFICATE.matcher(certificateArn).matches()) {
      throw invalid(
          "certificate \"" + certificateArn + "\"",
          "not an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)");
    }
    if (minTasks < 1 || maxTasks < minTasks || maxTasks > MAX_TASKS) {
      throw invalid("tasks " + minTasks + ".." + maxTasks, "need 1 <= min <= max <= " + MAX_TASKS);
    }
    if (!DB_CLASS.matcher(dbInstanceClass).matches()) {
      throw invalid(
          "database instance class \"" + dbInstanceClass + "\"",
          "not an RDS class like db.t4g.micro");
    }
    ConnectionBudget.of(dbInstanceClass, maxTasks);
  }

  private static void requireName(String field, String value) {
    if (!NAME.matcher(value).matches()) {
      throw invalid(
          field + " \"" + value + "\"",
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

  /** The validation hook's jar key in the artifacts bucket, when there is a hook. */
  public Optional<String> hookCode() {
    return hookCodeKey.isEmpty() ? Optional.empty() : Optional.of(hookCodeKey);
  }

  /** The origin-facing prefix list ID, or {@link #PREFIX_LIST_PLACEHOLDER} when none is known. */
  public String prefixListOrPlaceholder() {
    return originFacingPrefixListId.isEmpty() ? PREFIX_LIST_PLACEHOLDER : originFacingPrefixListId;
  }

  /** The region a part's stack is deployed to: the firewall of CloudFront in us-east-1. */
  public String regionOf(StackPart part) {
    return part == StackPart.FIREWALL ? CLOUDFRONT_REGION : region;
  }

  /** Whether synthesis of this config has a stack for {@code part}. */
  public boolean includes(StackPart part) {
    return switch (part) {
      case FIREWALL -> cloudFrontFirewall();
      case EDGE -> edge == Edge.CLOUDFRONT;
      case MONITORING -> monitoring;
      case PIPELINE -> pipeline;
      default -> true;
    };
  }

  /** Whether this deployment has the us-east-1 web ACL stack. */
  public boolean cloudFrontFirewall() {
    return waf && edge == Edge.CLOUDFRONT;
  }

  public Optional<String> customDomain() {
    return Optional.of(domain).filter(d -> !d.isBlank());
  }

  public Optional<String> certificate() {
    return Optional.of(certificateArn).filter(arn -> !arn.isBlank());
  }

  /** The tags every resource carries, {@link #DEPLOYMENT_TAG} included. */
  public java.util.Map<String, String> tags() {
    return Ordered.byKey(
        java.util.Map.of(
            "Environment",
            environment,
            "Company",
            company,
            "Service",
            SERVICE,
            DEPLOYMENT_TAG,
            deploymentName()));
  }

  /** Private DNS namespace (Cloud Map) where cDepot registers: {@code cdepot.<namespace>}. */
  public String serviceDiscoveryNamespace() {
    return deploymentName() + ".gifmachine.internal";
  }

  /** What cSidecar posts heartbeats to; a name, so the service does not wait for monitoring. */
  public String cdepotUrl() {
    return "http://cdepot." + serviceDiscoveryNamespace() + ":" + ImageName.CDEPOT.port();
  }

  public static Builder builder(String environment, String company, String region) {
    return new Builder(environment, company, region);
  }

  /** A builder holding every value of this config, to change one or two. */
  public Builder toBuilder() {
    return builder(environment, company, region)
        .account(account)
        .images(images)
        .natGateway(natGateway)
        .interfaceEndpoints(interfaceEndpoints)
        .graviton(graviton)
        .waf(waf)
        .certificateArn(certificateArn)
        .minTasks(minTasks)
        .maxTasks(maxTasks)
        .dbInstanceClass(dbInstanceClass)
        .monitoring(monitoring)
        .pipeline(pipeline)
        .separateGrafanaTask(separateGrafanaTask)
        .rollout(rollout)
        .edge(edge)
        .domain(domain)
        .originFacingPrefixListId(originFacingPrefixListId)
        .cloudFrontWebAclArn(cloudFrontWebAclArn)
        .monitoringSpot(monitoringSpot)
        .hookCodeKey(hookCodeKey)
        .availabilityZones(availabilityZones)
        .natImageId(natImageId)
        .restoreSnapshot(restoreSnapshot);
  }

  /**
   * Defaults: NAT instance, no interface endpoints, ARM64 tasks, 1–4 tasks, db.t4g.micro,
   * monitoring (Prometheus, cDepot and Grafana in one task, on Fargate Spot), the pipeline, and
   * CloudFront in front of an internal load balancer.
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
    private Edge edge = Edge.CLOUDFRONT;
    private String domain;
    private String originFacingPrefixListId;
    private String cloudFrontWebAclArn;
    private boolean monitoringSpot = true;
    private String hookCodeKey = "";
    private List<String> availabilityZones = List.of();
    private String natImageId = "";
    private String restoreSnapshot = "";

    private Builder(String environment, String company, String region) {
      this.environment = environment;
      this.company = company;
      this.region = region;
    }

    public Builder account(String value) {
      this.account = value;
      return this;
    }

    public Builder images(ImageSet value) {
      this.images = value;
      return this;
    }

    public Builder natGateway(boolean value) {
      this.natGateway = value;
      return this;
    }

    public Builder interfaceEndpoints(boolean value) {
      this.interfaceEndpoints = value;
      return this;
    }

    public Builder graviton(boolean value) {
      this.graviton = value;
      return this;
    }

    public Builder waf(boolean value) {
      this.waf = value;
      return this;
    }

    public Builder certificateArn(String value) {
      this.certificateArn = value;
      return this;
    }

    public Builder minTasks(int value) {
      this.minTasks = value;
      return this;
    }

    public Builder maxTasks(int value) {
      this.maxTasks = value;
      return this;
    }

    public Builder dbInstanceClass(String value) {
      this.dbInstanceClass = value;
      return this;
    }

    public Builder monitoring(boolean value) {
      this.monitoring = value;
      return this;
    }

    public Builder pipeline(boolean value) {
      this.pipeline = value;
      return this;
    }

    /** Grafana in its own task (more isolation, ~$7/month more) instead of beside Prometheus. */
    public Builder separateGrafanaTask(boolean value) {
      this.separateGrafanaTask = value;
      return this;
    }

    public Builder rollout(Rollout value) {
      this.rollout = value;
      return this;
    }

    /**
     * The validation hook's jar in the registry stack's artifacts bucket (uploaded by the CLI);
     * empty: no hook, e.g. when synthesizing before anything was uploaded.
     */
    public Builder hookCodeKey(String value) {
      this.hookCodeKey = value;
      return this;
    }

    /**
     * The network's two zones, chosen by the CLI where the NAT instance type is offered; empty: the
     * region's first two ({@code Fn::GetAZs}), for synthesis without AWS access.
     */
    public Builder availabilityZones(List<String> value) {
      this.availabilityZones = value;
      return this;
    }

    /**
     * The NAT instance's AMI, resolved once by the CLI and kept; empty: the template resolves the
     * public SSM parameter itself (then every update may move it).
     */
    public Builder natImageId(String value) {
      this.natImageId = value;
      return this;
    }

    /** The DB snapshot the database is (or was) restored from; empty: a new, empty database. */
    public Builder restoreSnapshot(String value) {
      this.restoreSnapshot = value;
      return this;
    }

    public Builder edge(Edge value) {
      this.edge = value;
      return this;
    }

    /** The public name (with {@link #certificateArn}); CloudFront's own name otherwise. */
    public Builder domain(String value) {
      this.domain = value;
      return this;
    }

    /**
     * {@code com.amazonaws.global.cloudfront.origin-facing}'s ID in the region, looked up by the
     * CLI.
     */
    public Builder originFacingPrefixListId(String value) {
      this.originFacingPrefixListId = value;
      return this;
    }

    /** The us-east-1 web ACL's ARN, once its stack is deployed. */
    public Builder cloudFrontWebAclArn(String value) {
      this.cloudFrontWebAclArn = value;
      return this;
    }

    /** Monitoring on Fargate Spot (a replaced task loses Prometheus history anyway). */
    public Builder monitoringSpot(boolean value) {
      this.monitoringSpot = value;
      return this;
    }

    public DeploymentConfig build() {
      return new DeploymentConfig(
          environment,
          company,
          region,
          account,
          images,
          natGateway,
          interfaceEndpoints,
          graviton,
          waf,
          certificateArn,
          minTasks,
          maxTasks,
          dbInstanceClass,
          monitoring,
          pipeline,
          separateGrafanaTask,
          rollout,
          edge,
          domain,
          originFacingPrefixListId,
          cloudFrontWebAclArn,
          monitoringSpot,
          hookCodeKey,
          availabilityZones,
          natImageId,
          restoreSnapshot);
    }
  }
}
