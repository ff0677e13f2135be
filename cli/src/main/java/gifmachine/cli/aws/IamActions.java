package gifmachine.cli.aws;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The IAM action an AWS API operation needs, so that an access-denied error can say which
 * permission is missing even when AWS's own message does not (S3 says "Access Denied", EC2 an
 * encoded message). Operations are named as {@link AwsCallException#operation()} names them, {@code
 * Service.Operation}; the service part may also be the SDK's package name.
 *
 * <pre>{@code
 * IamActions.of("Tagging.GetResources");   // "tag:GetResources"
 * IamActions.of("S3.ListObjectsV2");       // "s3:ListBucket"
 * }</pre>
 */
public final class IamActions {
  private IamActions() {}

  /**
   * Services whose IAM prefix is not their name in lower case
   * (https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html).
   */
  private static final Map<String, String> PREFIX =
      Map.of(
          "elbv2", "elasticloadbalancing",
          "elasticloadbalancingv2", "elasticloadbalancing",
          "cloudwatchlogs", "logs",
          "tagging", "tag",
          "resourcegroupstaggingapi", "tag");

  /**
   * S3 operations authorized under another action's name: listings need s3:ListBucket or
   * s3:ListBucketVersions, a batch delete s3:DeleteObject for each key, a HEAD the GET action
   * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html,
   * https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectVersions.html,
   * https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html,
   * https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html,
   * https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadBucket.html).
   */
  private static final Map<String, String> ACTION =
      Map.of(
          "s3:ListObjectVersions", "s3:ListBucketVersions",
          "s3:ListObjectsV2", "s3:ListBucket",
          "s3:ListObjects", "s3:ListBucket",
          "s3:DeleteObjects", "s3:DeleteObject",
          "s3:HeadBucket", "s3:ListBucket",
          "s3:HeadObject", "s3:GetObject",
          // the SDK's operation names RDS's abbreviation in camel case; IAM keeps it upper case
          "rds:DescribeDbSnapshots", "rds:DescribeDBSnapshots");

  /** "... is not authorized to perform: ecs:DescribeServices on resource: ..." */
  private static final Pattern NAMED =
      Pattern.compile("not authorized to perform:? ([a-z0-9-]+:[A-Za-z0-9]+)");

  /** The IAM action of {@code operation} ({@code Service.Operation}). */
  public static String of(String operation) {
    int dot = operation.indexOf('.');
    String service = operation.substring(0, Math.max(dot, 0)).toLowerCase(Locale.ROOT);
    String action = PREFIX.getOrDefault(service, service) + ":" + operation.substring(dot + 1);
    return ACTION.getOrDefault(action, action);
  }

  /** The action AWS's access-denied {@code message} names, where it names one. */
  public static Optional<String> named(String message) {
    Matcher matcher = NAMED.matcher(message);
    return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
  }

  /** The action a denied call needed: the one AWS named, else the operation's. */
  public static String denied(AwsCallException e) {
    return named(String.valueOf(e.getMessage())).orElseGet(() -> of(e.operation()));
  }
}
