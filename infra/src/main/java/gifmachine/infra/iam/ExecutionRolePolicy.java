package gifmachine.infra.iam;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * What CloudFormation may do when it deploys one deployment's stacks with the execution role
 * ({@code RoleARN} of every stack operation): the handler permissions of exactly the resource types
 * our templates use, one statement per service, narrowed where the service allows it:
 *
 * <ul>
 *   <li>IAM (the privilege-escalation path) only on roles, instance profiles and policies whose
 *       names start with the deployment's name, which CloudFormation's generated names do ({@code
 *       {stack name}-{logical id}-{suffix}}), and on service-linked roles;
 *   <li>S3 only on buckets named after the deployment, ECR only on its repositories;
 *   <li>regional services only in the deployment's region and {@code us-east-1} (where a CloudFront
 *       web ACL must live), through {@code aws:RequestedRegion}
 *       (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-requestedregion).
 * </ul>
 *
 * Most handler actions of EC2, ECS, ELB, RDS and the rest support no resource-level permissions
 * before the resource exists (its ARN carries an ID AWS chooses), so they stay on {@code *} within
 * those regions.
 *
 * <pre>{@code
 * List<ExecutionRolePolicy.Grant> grants = ExecutionRolePolicy.grants(
 *     HandlerPermissions.load(), types, "prod-dundermiff", "eu-west-1");
 * }</pre>
 */
public final class ExecutionRolePolicy {
  private ExecutionRolePolicy() {}

  /** Region where CloudFront's web ACLs and certificates live. */
  public static final String GLOBAL_EDGE_REGION = "us-east-1";

  /** Services whose calls all go to one global endpoint: a region condition would not hold. */
  private static final Set<String> GLOBAL_SERVICES = Set.of("iam", "cloudfront", "route53", "sts");

  /**
   * IAM's limit on a managed policy document, whitespace excluded
   * (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
   */
  public static final int MANAGED_POLICY_CHARACTERS = 6_144;

  /**
   * One statement: {@code actions} of one service on {@code resources}, within {@code regions}
   * (empty for global services). Resources are templates with {@code ${AWS::AccountId}} and {@code
   * ${AWS::Region}} placeholders, for CloudFormation's {@code Fn::Sub}.
   */
  public record Grant(
      String service,
      SortedSet<String> actions,
      List<String> resources,
      List<String> regions,
      String why) {}

  /**
   * The grants for {@code resourceTypes}.
   *
   * @throws IllegalArgumentException naming every type without handler permissions
   */
  public static List<Grant> grants(
      HandlerPermissions permissions,
      Set<String> resourceTypes,
      String deploymentName,
      String region) {
    List<String> unknown =
        resourceTypes.stream()
            .filter(type -> permissions.actions(type).isEmpty())
            .sorted()
            .toList();
    if (!unknown.isEmpty()) {
      throw new IllegalArgumentException(
          "no handler permissions for "
              + unknown
              + ": add them with scripts/extract-handler-permissions.py");
    }
    SortedMap<String, SortedSet<String>> byService = new TreeMap<>();
    for (String type : resourceTypes) {
      for (String action : permissions.actions(type).orElseThrow()) {
        byService
            .computeIfAbsent(action.substring(0, action.indexOf(':')), key -> new TreeSet<>())
            .add(action);
      }
    }
    List<String> regions =
        region.equals(GLOBAL_EDGE_REGION) ? List.of(region) : List.of(region, GLOBAL_EDGE_REGION);
    List<Grant> grants = new ArrayList<>();
    byService.forEach(
        (service, actions) ->
            grants.add(
                new Grant(
                    service,
                    actions,
                    resources(service, deploymentName),
                    GLOBAL_SERVICES.contains(service) ? List.of() : regions,
                    why(service))));
    return grants;
  }

  private static List<String> resources(String service, String deploymentName) {
    String account = "${AWS::AccountId}";
    return switch (service) {
      case "iam" ->
          List.of(
              "arn:${AWS::Partition}:iam::" + account + ":role/" + deploymentName + "-*",
              "arn:${AWS::Partition}:iam::"
                  + account
                  + ":instance-profile/"
                  + deploymentName
                  + "-*",
              "arn:${AWS::Partition}:iam::" + account + ":policy/" + deploymentName + "-*",
              "arn:${AWS::Partition}:iam::" + account + ":role/aws-service-role/*");
      case "s3" ->
          List.of(
              "arn:${AWS::Partition}:s3:::" + deploymentName + "-*",
              "arn:${AWS::Partition}:s3:::" + deploymentName + "-*/*");
      case "ecr" ->
          List.of(
              "arn:${AWS::Partition}:ecr:*:" + account + ":repository/" + deploymentName + "/*");
      default -> List.of("*");
    };
  }

  private static String why(String service) {
    return switch (service) {
      case "iam" -> "roles, instance profiles and policies named after the deployment";
      case "s3" -> "buckets named after the deployment";
      case "ecr" -> "the deployment's repositories";
      default -> "no resource-level permissions before the resource exists; region-bound";
    };
  }

  /**
   * Packs {@code grants} into documents that each fit {@link #MANAGED_POLICY_CHARACTERS}, in order;
   * {@code size} gives a grant's rendered length without whitespace.
   */
  public static List<List<Grant>> packed(List<Grant> grants, Function<Grant, Integer> size) {
    int budget = MANAGED_POLICY_CHARACTERS - 100; // {"Version":"2012-10-17","Statement":[...]}
    List<List<Grant>> documents = new ArrayList<>();
    List<Grant> current = new ArrayList<>();
    int used = 0;
    for (Grant grant : grants) {
      int length = size.apply(grant) + 1;
      if (length > budget) {
        throw new IllegalArgumentException(
            "the "
                + grant.service()
                + " statement alone has "
                + length
                + " characters, over IAM's "
                + MANAGED_POLICY_CHARACTERS);
      }
      if (used + length > budget) {
        documents.add(current);
        current = new ArrayList<>();
        used = 0;
      }
      current.add(grant);
      used += length;
    }
    if (!current.isEmpty()) {
      documents.add(current);
    }
    return documents;
  }

  /** The rendered length of a grant as a JSON statement, whitespace excluded. */
  public static int renderedLength(Grant grant) {
    Map<String, Object> statement = new LinkedHashMap<>();
    statement.put("Effect", "Allow");
    statement.put("Action", grant.actions());
    // Placeholders become an account ID (12 digits) and a partition ("aws"): no longer.
    statement.put(
        "Resource",
        grant.resources().stream()
            .map(
                r ->
                    r.replace("${AWS::AccountId}", "123456789012")
                        .replace("${AWS::Partition}", "aws"))
            .toList());
    if (!grant.regions().isEmpty()) {
      statement.put(
          "Condition", Map.of("StringEquals", Map.of("aws:RequestedRegion", grant.regions())));
    }
    try {
      return JSON.writeValueAsString(statement).length();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("rendering a policy statement", e);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();
}
