package gifmachine.infra.iam;

import gifmachine.infra.DeploymentConfig;
import gifmachine.infra.ExecutionRoleStack;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The actions the permissions boundary of every role our stacks create allows: the union of what
 * those roles' policies grant in any option combination (a test derives it from the synthesized
 * templates and fails when a role uses an action outside it), plus the actions of the AWS managed
 * policies attached to them. A role's effective rights are the intersection of its policies and its
 * boundary (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html), so a
 * role created through the CloudFormation execution role can never do more than this list, whatever
 * policy its template gives it.
 *
 * <p>The boundary also names the resources each action may reach ({@link #statements}): our
 * deployment's names where we know them, the resource type in our account where CloudFormation or
 * AWS picks the names. Only actions without a resource type stay on {@code "*"}
 * (docs/least-privilege.md lists them with the Service Authorization Reference's pages).
 *
 * <pre>{@code
 * List<PolicyStatement> boundary = RoleBoundary.statements(config, "123456789012");
 * }</pre>
 */
public final class RoleBoundary {
  private RoleBoundary() {}

  private static final String RESOURCE = "/gifmachine/infra/iam/permissions-boundary.txt";

  /**
   * The boundary's statements for {@code config}'s deployment in {@code account} (a CDK token
   * renders as {@code Ref AWS::AccountId}): the actions of {@link #actions()} that have a resource
   * type, each scoped to the resources our roles use it on, and the others on {@code "*"}.
   *
   * <ul>
   *   <li>{@code iam:PassRole}: only the Deploy role passes a role, the CloudFormation execution
   *       role to CloudFormation ({@code iam:PassedToService},
   *       https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html), as the
   *       operator's policy does.
   *   <li>{@code sts:AssumeRole}: the pipeline's role assumes its action roles, all created by our
   *       stacks, whose generated names start with the stack's name {@code {deployment}-*} (the
   *       pattern the execution role may create roles under).
   *   <li>{@code iam:CreateServiceLinkedRole}: the service-linked roles of {@link
   *       OperatorPolicy#SERVICE_LINKED_ROLES} only ({@code iam:AWSServiceName},
   *       https://docs.aws.amazon.com/IAM/latest/UserGuide/using-service-linked-roles.html#service-linked-role-permissions).
   *   <li>{@code ssm:GetParameter}: AWS's public Amazon Linux AMI parameters, the only ones read.
   *   <li>CloudFormation, CodePipeline, ECS, CloudWatch Logs, RDS, Secrets Manager, ECR and S3
   *       actions that our roles use only on resources named after the deployment: those names.
   *   <li>CodeBuild, Lambda, log streams, secrets read, network interfaces and load balancer
   *       writes: the resource type in our account (their names are generated).
   * </ul>
   *
   * <p>RoleBoundaryTest checks every role's use against these scopes, and parliament's verdict.
   */
  public static List<PolicyStatement> statements(DeploymentConfig config, String account) {
    String iam = "arn:aws:iam::" + account + ":role/";
    String d = config.deploymentName();
    List<PolicyStatement> scoped =
        List.of(
            PolicyStatement.of(
                    "PassExecutionRole",
                    List.of("iam:PassRole"),
                    List.of(iam + ExecutionRoleStack.roleName(config)),
                    "the Deploy role passes the execution role to CloudFormation")
                .when(
                    "StringEquals", "iam:PassedToService", List.of("cloudformation.amazonaws.com")),
            PolicyStatement.of(
                "AssumeOurRoles",
                List.of("sts:AssumeRole"),
                List.of(iam + d + "-*"),
                "the pipeline's role assumes its action roles"),
            PolicyStatement.of(
                    "ServiceLinkedRoles",
                    List.of("iam:CreateServiceLinkedRole"),
                    List.of(iam + "aws-service-role/*"),
                    "the Deploy role's pre-flight creates the service-linked roles the stacks need")
                .when("StringEquals", "iam:AWSServiceName", OperatorPolicy.SERVICE_LINKED_ROLES),
            PolicyStatement.of(
                "PublicAmiParameters",
                List.of("ssm:GetParameter"),
                List.of(
                    "arn:aws:ssm:"
                        + config.region()
                        + ":*:parameter/aws/service/ami-amazon-linux-latest/*"),
                "the Deploy role's pre-flight reads the NAT instance's AMI"),
            named(
                "OurStacks",
                "cloudformation",
                account,
                List.of(
                    "CancelUpdateStack",
                    "CreateChangeSet",
                    "CreateStack",
                    "DeleteChangeSet",
                    "DeleteStack",
                    "DescribeChangeSet",
                    "DescribeStackEvents",
                    "DescribeStacks",
                    "ExecuteChangeSet",
                    "GetTemplate",
                    "UpdateStack"),
                List.of("stack/" + d + "-*")),
            named(
                "OurPipeline",
                "codepipeline",
                account,
                List.of(
                    "GetPipelineExecution",
                    "GetPipelineState",
                    "ListPipelineExecutions",
                    "StartPipelineExecution",
                    "StopPipelineExecution"),
                List.of(d + "-*")),
            named(
                "OurServices",
                "ecs",
                account,
                List.of(
                    "DeleteTaskDefinitions",
                    "DescribeServiceDeployments",
                    "DescribeServices",
                    "ListServiceDeployments",
                    "StopServiceDeployment"),
                List.of(
                    "service/" + d + "-*",
                    "service-deployment/" + d + "-*",
                    "task-definition/" + d + "-*")),
            named(
                "OurLogGroups",
                "logs",
                account,
                List.of("DeleteLogGroup", "FilterLogEvents", "GetLogEvents"),
                List.of("log-group:" + d + "-*")),
            named(
                "OurDatabaseSnapshots",
                "rds",
                account,
                List.of("DescribeDBSnapshots"),
                // Final snapshots are named by CloudFormation, not by us.
                List.of("db:" + d + "-*", "snapshot:*")),
            named(
                "OurSecrets",
                "secretsmanager",
                account,
                List.of("CreateSecret", "DeleteSecret", "RestoreSecret", "TagResource"),
                List.of("secret:" + d + "/*")),
            named(
                "OurRepositories",
                "ecr",
                account,
                List.of(
                    "BatchCheckLayerAvailability",
                    "BatchDeleteImage",
                    "BatchGetImage",
                    "CompleteLayerUpload",
                    "DescribeImages",
                    "GetDownloadUrlForLayer",
                    "InitiateLayerUpload",
                    "ListImages",
                    "PutImage",
                    "UploadLayerPart"),
                List.of("repository/" + d + "/*")),
            PolicyStatement.of(
                "OurBuckets",
                List.of(
                    "s3:Abort*",
                    "s3:DeleteObject",
                    "s3:DeleteObject*",
                    "s3:DeleteObjectVersion",
                    "s3:GetBucket*",
                    "s3:GetObject",
                    "s3:GetObjectAcl",
                    "s3:GetObjectLegalHold",
                    "s3:GetObjectRetention",
                    "s3:GetObjectTagging",
                    "s3:GetObjectTorrent",
                    "s3:GetObjectVersion",
                    "s3:GetObjectVersionAcl",
                    "s3:GetObjectVersionAttributes",
                    "s3:GetObjectVersionForReplication",
                    "s3:GetObjectVersionTagging",
                    "s3:GetObjectVersionTorrent",
                    "s3:ListBucket",
                    "s3:ListBucketMultipartUploads",
                    "s3:ListBucketVersions",
                    "s3:ListMultipartUploadParts",
                    "s3:PutObject",
                    "s3:PutObjectLegalHold",
                    "s3:PutObjectRetention",
                    "s3:PutObjectTagging",
                    "s3:PutObjectVersionTagging"),
                List.of("arn:aws:s3:::" + d + "-*", "arn:aws:s3:::" + d + "-*/*"),
                "buckets are named {deployment}-* (generated names start with the stack's), like the"
                    + " execution role's S3 grant"),
            // CloudFormation generates the names of the resources below (no stack-name prefix for
            // CodeBuild projects), so the boundary can name only their type and our account.
            named(
                "Builds",
                "codebuild",
                account,
                List.of(
                    "BatchGetBuilds",
                    "BatchPutCodeCoverages",
                    "BatchPutTestCases",
                    "CreateReport",
                    "CreateReportGroup",
                    "StartBuild",
                    "StopBuild",
                    "UpdateReport"),
                List.of("project/*", "report-group/*")),
            named(
                "NetworkInterfaces",
                "ec2",
                account,
                List.of(
                    "AssignPrivateIpAddresses",
                    "CreateNetworkInterface",
                    "DeleteNetworkInterface",
                    "UnassignPrivateIpAddresses"),
                List.of("network-interface/*", "subnet/*", "security-group/*")),
            named(
                "TrafficShift",
                "elasticloadbalancing",
                account,
                List.of("DeregisterTargets", "ModifyListener", "ModifyRule", "RegisterTargets"),
                List.of("targetgroup/*", "listener/*", "listener-rule/*")),
            named(
                "ValidationHook",
                "lambda",
                account,
                List.of("InvokeFunction"),
                List.of("function:*")),
            named(
                "LogStreams",
                "logs",
                account,
                List.of("CreateLogGroup", "CreateLogStream", "DescribeLogStreams", "PutLogEvents"),
                List.of("log-group:*")),
            named(
                "ReadSecrets",
                "secretsmanager",
                account,
                List.of("DescribeSecret", "GetSecretValue"),
                List.of("secret:*")));
    SortedSet<String> rest = new TreeSet<>(actions());
    List<PolicyStatement> statements = new ArrayList<>();
    for (PolicyStatement statement : scoped) {
      if (!rest.containsAll(statement.actions())) {
        throw new IllegalStateException(
            statement.actions() + " are scoped but not in " + RESOURCE + ": list them there");
      }
      rest.removeAll(statement.actions());
      statements.add(statement);
    }
    statements.add(
        0,
        PolicyStatement.of(
            "WhatOurRolesUse",
            List.copyOf(rest),
            List.of("*"),
            "each role's own policy names its resources; docs/least-privilege.md lists why"));
    return List.copyOf(statements);
  }

  /**
   * {@code actions} of {@code service} on resources named after the deployment, in any region (our
   * roles use the deployment's region and us-east-1).
   */
  private static PolicyStatement named(
      String sid, String service, String account, List<String> actions, List<String> resources) {
    return PolicyStatement.of(
        sid,
        actions.stream().map(action -> service + ":" + action).toList(),
        resources.stream()
            .map(resource -> "arn:aws:" + service + ":*:" + account + ":" + resource)
            .toList(),
        "named after the deployment");
  }

  /** The allowed actions, sorted; lines starting with {@code #} in the data file are comments. */
  public static SortedSet<String> actions() {
    InputStream in = RoleBoundary.class.getResourceAsStream(RESOURCE);
    if (in == null) {
      throw new IllegalStateException(RESOURCE + " is missing from the classpath");
    }
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      SortedSet<String> actions = new TreeSet<>();
      reader
          .lines()
          .map(String::strip)
          .filter(line -> !line.isEmpty() && !line.startsWith("#"))
          .forEach(actions::add);
      return Collections.unmodifiableSortedSet(actions);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
