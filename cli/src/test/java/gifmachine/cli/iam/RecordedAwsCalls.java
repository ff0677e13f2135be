package gifmachine.cli.iam;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Records the IAM action of every AWS SDK call made in the test JVM, so a test can check that
 * {@link OperatorPolicy} allows each call the CLI really makes. The SDK loads it into every
 * client through {@code software/amazon/awssdk/global/handlers/execution.interceptors} on the
 * test class path (https://sdk.amazonaws.com/java/api/latest/software/amazon/awssdk/core/interceptor/ExecutionInterceptor.html),
 * so production code carries no seam for it; the set is static because the SDK, not the test,
 * creates the interceptor.
 */
public final class RecordedAwsCalls implements ExecutionInterceptor {
  private static final Set<String> ACTIONS = new ConcurrentSkipListSet<>();

  /** SDK package name to IAM service prefix, where the two differ. */
  private static final Map<String, String> PREFIX = Map.of(
      "resourcegroupstaggingapi", "tag",
      "elasticloadbalancingv2", "elasticloadbalancing",
      "cloudwatchlogs", "logs");

  /** SDK operation to IAM action, where the two differ (S3's names for bucket listings, RDS's case). */
  private static final Map<String, String> ACTION = Map.of(
      "s3:ListObjectVersions", "s3:ListBucketVersions",
      "s3:ListObjectsV2", "s3:ListBucket",
      "s3:ListObjects", "s3:ListBucket",
      "s3:DeleteObjects", "s3:DeleteObject",
      "s3:HeadBucket", "s3:ListBucket",
      "s3:HeadObject", "s3:GetObject",
      "rds:DescribeDbSnapshots", "rds:DescribeDBSnapshots");

  /** Set while a test arranges AWS state itself (setup calls are not the CLI's). */
  private static final ThreadLocal<Boolean> PAUSED = ThreadLocal.withInitial(() -> false);

  @Override
  public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
    if (PAUSED.get()) {
      return;
    }
    ACTIONS.add(actionOf(context.request().getClass()));
    // A stack operation naming a role makes AWS check iam:PassRole on it for the caller
    // (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html).
    context.request().getValueForField("RoleARN", String.class)
        .ifPresent(role -> ACTIONS.add("iam:PassRole"));
  }

  static String actionOf(Class<?> request) {
    String pkg = request.getPackageName(); // software.amazon.awssdk.services.<service>.model
    String service = pkg.substring("software.amazon.awssdk.services.".length(),
        pkg.length() - ".model".length());
    String operation = request.getSimpleName().replaceFirst("Request$", "");
    String action = PREFIX.getOrDefault(service, service) + ":" + operation;
    return ACTION.getOrDefault(action, action);
  }

  /** Runs a test's own setup or check on this thread without recording its calls. */
  public static <T> T unrecorded(java.util.function.Supplier<T> setup) {
    PAUSED.set(true);
    try {
      return setup.get();
    } finally {
      PAUSED.set(false);
    }
  }

  /** Forgets what was recorded, so a test sees only its own calls. */
  public static void clear() {
    ACTIONS.clear();
  }

  /** Every action recorded so far in this JVM, sorted. */
  public static Set<String> actions() {
    return new TreeSet<>(ACTIONS);
  }
}
