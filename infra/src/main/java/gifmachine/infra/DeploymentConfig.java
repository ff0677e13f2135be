package gifmachine.infra;

import java.util.Objects;
import java.util.Optional;

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
    boolean pipeline) {

  /** Tag key on every resource; its value is {@link #deploymentName()}. Teardown searches by it. */
  public static final String DEPLOYMENT_TAG = "gifmachine-on-aws:deployment";

  public DeploymentConfig {
    Objects.requireNonNull(environment, "environment");
    Objects.requireNonNull(company, "company");
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(images, "images");
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
    return Optional.ofNullable(certificateArn).filter(arn -> !arn.isBlank());
  }

  public static Builder builder(String environment, String company, String region) {
    return new Builder(environment, company, region);
  }

  /** Defaults: NAT instance, no interface endpoints, ARM64 tasks, 1–4 tasks, db.t4g.micro. */
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

    public DeploymentConfig build() {
      return new DeploymentConfig(environment, company, region, account, images, natGateway,
          interfaceEndpoints, graviton, waf, certificateArn, minTasks, maxTasks, dbInstanceClass,
          monitoring, pipeline);
    }
  }
}
