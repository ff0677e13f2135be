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
import software.amazon.awscdk.services.s3.BlockPublicAccess;
import software.amazon.awscdk.services.s3.Bucket;
import software.amazon.awscdk.services.s3.BucketEncryption;
import software.constructs.Construct;

/**
 * ECR repositories for the five images ({@link ImageName}), named {@code
 * {environment}-{company}/{image}}. Deployed first and independent of any image, so the CLI can
 * create it, push, then synthesize the rest with digests. Repositories empty themselves on delete
 * ({@code EmptyOnDelete}, a CloudFormation property, not a custom resource), so teardown works.
 *
 * <p>Nothing a task may still pull disappears: tags are immutable (a pushed tag always names the
 * same image, and an image never loses its tag to a newer push, so it never becomes "untagged" and
 * expirable), and the lifecycle policy keeps the newest {@link #KEPT_IMAGES} images of each
 * repository whatever their age. The CLI pushes an image only when its own sources change (one tag
 * per source revision), so those are the last {@value #KEPT_IMAGES} versions of that image: the
 * running one, the one a rollback returns to, and the ones before.
 */
public final class RegistryStack extends Stack {

  /**
   * Untagged images are never ours (every push is tagged and tags cannot move); one that someone
   * pushed by digest alone goes after a day, so it does not hold one of the kept places long.
   */
  static final int UNTAGGED_DAYS = 1;

  /**
   * Images kept per repository, newest by push time (ECR's {@code imageCountMoreThan}). A rollback
   * needs two (the running image and the previous one); the rest covers pushes that were never
   * deployed (a failed pipeline run) and rolling back further. At most ~10 × 60 MB of unique layers
   * per repository: cents a month.
   */
  public static final int KEPT_IMAGES = 10;

  private final Map<ImageName, Repository> repositories = new EnumMap<>(ImageName.class);
  private final Bucket artifacts;

  public RegistryStack(Construct scope, String id, StackProps props, DeploymentConfig config) {
    super(scope, id, props);
    for (ImageName image : ImageName.values()) {
      Repository repository =
          Repository.Builder.create(this, image.repositoryOutput().replace("Uri", ""))
              .repositoryName(config.deploymentName() + "/" + image.repositoryName())
              .imageScanOnPush(true)
              // https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-tag-mutability.html
              .imageTagMutability(TagMutability.IMMUTABLE)
              .emptyOnDelete(true)
              .removalPolicy(RemovalPolicy.DESTROY)
              .lifecycleRules(
                  java.util.List.of(
                      LifecycleRule.builder()
                          .rulePriority(1)
                          .description(
                              "untagged images (never ours) older than " + UNTAGGED_DAYS + " day")
                          .tagStatus(TagStatus.UNTAGGED)
                          .maxImageAge(Duration.days(UNTAGGED_DAYS))
                          .build(),
                      LifecycleRule.builder()
                          .rulePriority(2)
                          .description(
                              "keep the newest " + KEPT_IMAGES + " images, whatever their age")
                          .tagStatus(TagStatus.ANY)
                          .maxImageCount(KEPT_IMAGES)
                          .build()))
              .build();
      repositories.put(image, repository);
      CfnOutput.Builder.create(this, image.repositoryOutput())
          .value(repository.getRepositoryUri())
          .build();
    }
    // What the CLI uploads before the stacks that use it, like the images: the validation
    // hook's jar (key = content hash). Deployed first, so the service stack can reference it.
    artifacts =
        Bucket.Builder.create(this, "Artifacts")
            .versioned(true)
            .encryption(BucketEncryption.S3_MANAGED)
            .blockPublicAccess(BlockPublicAccess.BLOCK_ALL)
            .enforceSsl(true)
            .lifecycleRules(
                java.util.List.of(
                    software.amazon.awscdk.services.s3.LifecycleRule.builder()
                        .noncurrentVersionExpiration(Duration.days(30))
                        .abortIncompleteMultipartUploadAfter(Duration.days(1))
                        .build()))
            // Emptied by `down` (no autoDeleteObjects: that is a custom resource).
            .removalPolicy(RemovalPolicy.DESTROY)
            .build();
    // Exported under a fixed name that the service stack imports whether or not it has a hook
    // yet: a CDK cross-stack reference would add an export only once a hook exists, and the
    // registry template must not change between the first synthesis and later ones.
    CfnOutput.Builder.create(this, StackOutputs.DEPLOYMENT_ARTIFACTS_BUCKET)
        .value(artifacts.getBucketName())
        .exportName(artifactsExport(config))
        .build();
  }

  /** Where the CLI uploads the validation hook's jar. */
  public Bucket artifacts() {
    return artifacts;
  }

  /** The export name of the artifacts bucket's name. */
  static String artifactsExport(DeploymentConfig config) {
    return config.deploymentName() + "-" + StackOutputs.DEPLOYMENT_ARTIFACTS_BUCKET;
  }

  public Repository repository(ImageName image) {
    return repositories.get(image);
  }

  public Iterable<Repository> repositories() {
    return repositories.values();
  }
}
