package gifmachine.infra.iam;

import gifmachine.infra.DeploymentConfig;
import gifmachine.infra.ExecutionRoleStack;
import gifmachine.infra.StackPart;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The least-privilege policy for whoever runs {@code up}, {@code plan}, {@code status}, {@code
 * logs}, {@code release}, {@code rollback} and {@code down} for one deployment: every call the CLI
 * makes itself, scoped to the deployment's names where the action allows a resource, plus {@code
 * iam:PassRole} on the CloudFormation execution role (which does the creating). With {@link
 * #bootstrap}, also what an administrator needs once to create or change that role.
 *
 * <p>Which actions accept which resources and conditions: the Service Authorization Reference,
 * https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html.
 *
 * <pre>{@code
 * List<PolicyStatement> statements = OperatorPolicy.statements(config, "123456789012");
 * }</pre>
 */
public final class OperatorPolicy {
  private OperatorPolicy() {}

  /** Where CloudFront's web ACL stack lives (WAF for CloudFront must be created there). */
  static final String EDGE_REGION = "us-east-1";

  /**
   * The service-linked roles the stacks need, which pre-flight creates (a new account has none):
   * here, beside the one statement that allows creating exactly these.
   */
  public static final List<String> SERVICE_LINKED_ROLES =
      List.of(
          "ecs.amazonaws.com",
          "elasticloadbalancing.amazonaws.com",
          "rds.amazonaws.com",
          "ecs.application-autoscaling.amazonaws.com",
          "autoscaling.amazonaws.com");

  /** The operator's statements for {@code config}'s deployment in {@code account}. */
  public static List<PolicyStatement> statements(DeploymentConfig config, String account) {
    String d = config.deploymentName();
    String region = config.region();
    String arn = "arn:aws:";
    List<String> stacks =
        List.of(
            arn + "cloudformation:" + region + ":" + account + ":stack/" + d + "-*/*",
            arn + "cloudformation:" + EDGE_REGION + ":" + account + ":stack/" + d + "-*/*");
    List<PolicyStatement> statements = new ArrayList<>();
    // Pre-flight's sts:GetCallerIdentity needs no permission, and an explicit deny cannot stop it
    // (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html).
    statements.add(
        PolicyStatement.of(
            "ZonesAndRegions",
            List.of(
                "ec2:DescribeAvailabilityZones", "ec2:DescribeInstanceTypeOfferings",
                "ec2:DescribeManagedPrefixLists", "ec2:DescribeRegions"),
            List.of("*"),
            "pre-flight: the region exists and has two zones offering the NAT instance type; up and "
                + "plan look up CloudFront's origin-facing prefix list (Describe* has no resources)"));
    statements.add(
        PolicyStatement.of(
            "NatImage",
            List.of("ssm:GetParameter"),
            List.of(arn + "ssm:" + region + ":*:parameter/aws/service/ami-amazon-linux-latest/*"),
            "the first up (and up --refresh-nat-image) reads the newest Amazon Linux AMI for the NAT "
                + "instance: AWS's public parameter (its ARN has no account, hence *)"));
    statements.add(
        PolicyStatement.of(
            "DatabaseSnapshots",
            List.of("rds:DescribeDBSnapshots"),
            List.of(
                arn + "rds:" + region + ":" + account + ":db:" + d + "-*",
                arn + "rds:" + region + ":" + account + ":snapshot:*"),
            "status lists the deployment's DB snapshots (their tags come with them), up "
                + "--restore-snapshot checks the one named; CloudFormation, not we, names the final "
                + "snapshots, so they are not under the deployment's prefix"));
    statements.add(
        PolicyStatement.of(
            "Stacks",
            List.of(
                "cloudformation:CancelUpdateStack",
                "cloudformation:CreateChangeSet",
                "cloudformation:CreateStack",
                "cloudformation:DeleteChangeSet",
                "cloudformation:DeleteStack",
                "cloudformation:DescribeChangeSet",
                "cloudformation:DescribeStackEvents",
                "cloudformation:DescribeStacks",
                "cloudformation:ExecuteChangeSet",
                "cloudformation:GetTemplate",
                "cloudformation:UpdateStack"),
            stacks,
            "up, plan, status, down; rollback cancels a stack update in progress that has no ECS "
                + "deployment under way: the deployment's stacks, its region and us-east-1"));
    statements.add(
        PolicyStatement.of(
                "PassExecutionRole",
                List.of("iam:PassRole"),
                List.of(arn + "iam::" + account + ":role/" + ExecutionRoleStack.roleName(config)),
                "CloudFormation creates the resources with the execution role, not the operator")
            .when("StringEquals", "iam:PassedToService", List.of("cloudformation.amazonaws.com")));
    statements.add(
        PolicyStatement.of(
            "ApiPassword",
            List.of(
                "secretsmanager:CreateSecret", "secretsmanager:DeleteSecret",
                "secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue",
                "secretsmanager:RestoreSecret", "secretsmanager:TagResource"),
            List.of(arn + "secretsmanager:" + region + ":" + account + ":secret:" + d + "/*"),
            "up stores the API password, down deletes it"));
    statements.add(
        PolicyStatement.of(
            "RegistryLogin",
            List.of("ecr:GetAuthorizationToken"),
            List.of("*"),
            "image pushes log in to ECR (no resource-level permissions)"));
    statements.add(
        PolicyStatement.of(
            "Images",
            List.of(
                "ecr:BatchCheckLayerAvailability",
                "ecr:BatchDeleteImage",
                "ecr:BatchGetImage",
                "ecr:CompleteLayerUpload",
                "ecr:DescribeImages",
                "ecr:GetDownloadUrlForLayer",
                "ecr:InitiateLayerUpload",
                "ecr:ListImages",
                "ecr:PutImage",
                "ecr:UploadLayerPart"),
            List.of(arn + "ecr:" + region + ":" + account + ":repository/" + d + "/*"),
            "up and release push images (Jib), down empties the repositories"));
    statements.add(
        PolicyStatement.of(
            "Service",
            List.of(
                "ecs:DescribeServices",
                "ecs:ListServiceDeployments",
                "ecs:DescribeServiceDeployments"),
            List.of(
                arn + "ecs:" + region + ":" + account + ":service/" + d + "-*/*",
                arn + "ecs:" + region + ":" + account + ":service-deployment/" + d + "-*/*/*"),
            "status and up follow the service and its blue/green deployments"));
    statements.add(
        PolicyStatement.of(
            "StopDeployment",
            List.of("ecs:StopServiceDeployment"),
            List.of(arn + "ecs:" + region + ":" + account + ":service-deployment/" + d + "-*/*/*"),
            "rollback stops the service's blue/green deployment in progress (stop type ROLLBACK)"));
    statements.add(
        PolicyStatement.of(
            "TaskDefinitions",
            List.of(
                "ecs:DeregisterTaskDefinition",
                "ecs:DescribeTaskDefinition",
                "ecs:ListTaskDefinitions"),
            List.of("*"),
            "status reads images, down lists and deregisters our revisions (no resources)"));
    statements.add(
        PolicyStatement.of(
            "DeleteTaskDefinitions",
            List.of("ecs:DeleteTaskDefinitions"),
            List.of(arn + "ecs:" + region + ":" + account + ":task-definition/" + d + "-*:*"),
            "down deletes the revisions of the deployment's task-definition families"));
    statements.add(
        PolicyStatement.of(
            "LoadBalancer",
            List.of(
                "elasticloadbalancing:DescribeRules", "elasticloadbalancing:DescribeTargetHealth"),
            List.of("*"),
            "up reads which target group serves production, status shows target health "
                + "(Describe* has no resources)"));
    statements.add(
        PolicyStatement.of(
                "ServiceLinkedRoles",
                List.of("iam:CreateServiceLinkedRole"),
                List.of(arn + "iam::" + account + ":role/aws-service-role/*"),
                "pre-flight creates the service-linked roles the stacks need (a new account has none)")
            .when("StringEquals", "iam:AWSServiceName", SERVICE_LINKED_ROLES));
    statements.add(
        PolicyStatement.of(
            "Logs",
            List.of("logs:DeleteLogGroup", "logs:FilterLogEvents", "logs:GetLogEvents"),
            List.of(
                arn + "logs:" + region + ":" + account + ":log-group:" + d + "-*",
                arn + "logs:" + region + ":" + account + ":log-group:" + d + "-*:*"),
            "logs reads the service's log group, release the validation hook's answers and a failed"
                + " build's last log lines (GetLogEvents), down deletes what outlives its stack"));
    statements.add(
        PolicyStatement.of(
            "Buckets",
            List.of(
                "s3:DeleteObject",
                "s3:DeleteObjectVersion",
                "s3:GetObject",
                "s3:ListBucket",
                "s3:ListBucketVersions",
                "s3:PutObject"),
            List.of("arn:aws:s3:::" + d + "-*", "arn:aws:s3:::" + d + "-*/*"),
            "up uploads the validation hook once (HeadObject first), release uploads the source,"
                + " down empties the buckets"));
    statements.add(
        PolicyStatement.of(
            "Pipeline",
            List.of(
                "codepipeline:GetPipelineExecution",
                "codepipeline:GetPipelineState",
                "codepipeline:ListPipelineExecutions",
                "codepipeline:StartPipelineExecution",
                "codepipeline:StopPipelineExecution"),
            List.of(arn + "codepipeline:" + region + ":" + account + ":" + d + "-*"),
            "release starts and follows the pipeline, status lists its executions"));
    statements.add(
        PolicyStatement.of(
            "Build",
            List.of("codebuild:BatchGetBuilds"),
            List.of(arn + "codebuild:" + region + ":" + account + ":project/" + d + "-*"),
            "release shows a failed build's phase"));
    statements.add(
        PolicyStatement.of(
            "Leftovers",
            List.of("tag:GetResources"),
            List.of("*"),
            "down lists what still carries the deployment's tag (no resource-level permissions)"));
    return statements;
  }

  /**
   * What an administrator needs, once, to create (or later change) the execution-role stack: the
   * operator's statements plus IAM writes on that one role and its policies.
   */
  public static List<PolicyStatement> bootstrap(DeploymentConfig config, String account) {
    String role = ExecutionRoleStack.roleName(config);
    List<PolicyStatement> statements = new ArrayList<>(statements(config, account));
    statements.add(
        PolicyStatement.of(
            "ExecutionRole",
            List.of(
                "iam:AttachRolePolicy",
                "iam:CreatePolicy",
                "iam:CreatePolicyVersion",
                "iam:CreateRole",
                "iam:DeletePolicy",
                "iam:DeletePolicyVersion",
                "iam:DeleteRole",
                "iam:DetachRolePolicy",
                "iam:GetPolicy",
                "iam:GetPolicyVersion",
                "iam:GetRole",
                "iam:ListPolicyVersions",
                "iam:TagPolicy",
                "iam:TagRole",
                "iam:UntagRole",
                "iam:UpdateAssumeRolePolicy"),
            List.of(
                "arn:aws:iam::" + account + ":role/" + role,
                "arn:aws:iam::" + account + ":policy/" + role + "-*"),
            "the "
                + config.stackName(StackPart.EXECUTION_ROLE)
                + " stack: the execution role and "
                + "its managed policies, nothing else in IAM"));
    return statements;
  }

  /** The statements as an IAM policy document, ready for JSON. */
  public static Map<String, Object> document(List<PolicyStatement> statements) {
    List<Map<String, Object>> rendered = new ArrayList<>();
    for (PolicyStatement statement : statements) {
      Map<String, Object> s = new LinkedHashMap<>();
      s.put("Sid", statement.sid());
      s.put("Effect", "Allow");
      s.put("Action", statement.actions());
      s.put(
          "Resource",
          statement.resources().size() == 1 ? statement.resources().get(0) : statement.resources());
      if (!statement.conditions().isEmpty()) {
        s.put("Condition", statement.conditions());
      }
      rendered.add(s);
    }
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("Version", "2012-10-17");
    document.put("Statement", rendered);
    return document;
  }
}
