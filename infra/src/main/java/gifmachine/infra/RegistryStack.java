package gifmachine.infra;

import java.util.EnumMap;
import java.util.Map;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.ecr.LifecycleRule;
import software.amazon.awscdk.services.ecr.Repository;
import software.amazon.awscdk.services.ecr.TagMutability;
import software.amazon.awscdk.services.ecr.TagStatus;
import software.constructs.Construct;

/**
 * ECR repositories for the five images, named {@code {environment}-{company}/{image}}. Deployed
 * first and independent of any image, so the CLI can create it, push, then synthesize the rest
 * with digests. Repositories empty themselves on delete ({@code EmptyOnDelete}, a CloudFormation
 * property, not a custom resource), so teardown works.
 *
 * <p>Nothing a task may still pull disappears: tags are immutable (a pushed tag always names the
 * same image, and an image never loses its tag to a newer push, so it never becomes "untagged"
 * and expirable), and the lifecycle policy keeps the newest {@link #KEPT_IMAGES} images of each
 * repository whatever their age. The CLI pushes an image only when its own sources change
 * (one tag per source revision), so those are the last {@value #KEPT_IMAGES} versions of that
 * image: the running one, the one a rollback returns to, and the ones before.
 */
public final class RegistryStack extends Stack {

  /** The images of a deployment, each with its repository and output name. */
  public enum Image {
    GIFMACHINE("gifmachine", StackOutputs.GIFMACHINE_REPOSITORY_URI),
    CSIDECAR("csidecar", StackOutputs.CSIDECAR_REPOSITORY_URI),
    CDEPOT("cdepot", StackOutputs.CDEPOT_REPOSITORY_URI),
    PROMETHEUS("prometheus", StackOutputs.PROMETHEUS_REPOSITORY_URI),
    GRAFANA("grafana", StackOutputs.GRAFANA_REPOSITORY_URI);

    private final String repositorySuffix;
    private final String output;

    Image(String repositorySuffix, String output) {
      this.repositorySuffix = repositorySuffix;
      this.output = output;
    }

    public String repositorySuffix() {
      return repositorySuffix;
    }
  }

  /**
   * Untagged images are never ours (every push is tagged and tags cannot move); one that someone
   * pushed by digest alone goes after a day, so it does not hold one of the kept places long.
   */
  static final int UNTAGGED_DAYS = 1;

  /**
   * Images kept per repository, newest by push time (ECR's {@code imageCountMoreThan}). A
   * rollback needs two (the running image and the previous one); the rest covers pushes that
   * were never deployed (a failed pipeline run) and rolling back further. At most ~10 × 60 MB
   * of unique layers per repository: cents a month.
   */
  public static final int KEPT_IMAGES = 10;

  private final Map<Image, Repository> repositories = new EnumMap<>(Image.class);

  public RegistryStack(Construct scope, String id, StackProps props, DeploymentConfig config) {
    super(scope, id, props);
    for (Image image : Image.values()) {
      Repository repository = Repository.Builder.create(this, image.output.replace("Uri", ""))
          .repositoryName(config.deploymentName() + "/" + image.repositorySuffix)
          .imageScanOnPush(true)
          // https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html
          .imageTagMutability(TagMutability.IMMUTABLE)
          .emptyOnDelete(true)
          .removalPolicy(RemovalPolicy.DESTROY)
          .lifecycleRules(java.util.List.of(
              LifecycleRule.builder()
                  .rulePriority(1)
                  .description("untagged images (never ours) older than " + UNTAGGED_DAYS + " day")
                  .tagStatus(TagStatus.UNTAGGED)
                  .maxImageAge(Duration.days(UNTAGGED_DAYS))
                  .build(),
              LifecycleRule.builder()
                  .rulePriority(2)
                  .description("keep the newest " + KEPT_IMAGES + " images, whatever their age")
                  .tagStatus(TagStatus.ANY)
                  .maxImageCount(KEPT_IMAGES)
                  .build()))
          .build();
      repositories.put(image, repository);
      CfnOutput.Builder.create(this, image.output).value(repository.getRepositoryUri()).build();
    }
  }

  public Repository repository(Image image) {
    return repositories.get(image);
  }

  public Iterable<Repository> repositories() {
    return repositories.values();
  }
}
