package gifmachine.infra;

import gifmachine.infra.iam.ExecutionRolePolicy;
import gifmachine.infra.iam.HandlerPermissions;
import gifmachine.infra.iam.RoleBoundary;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import software.amazon.awscdk.CfnOutput;
import software.amazon.awscdk.Fn;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.StackProps;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.ManagedPolicy;
import software.amazon.awscdk.services.iam.PolicyDocument;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.constructs.Construct;

/**
 * The role CloudFormation assumes to deploy the other stacks ({@code RoleARN} on every stack
 * operation;
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-iam-servicerole.html), so
 * that whoever runs {@code up} needs only CloudFormation rights on our stacks and {@code
 * iam:PassRole} on this role, not the rights to create every resource. Its policies are {@link
 * ExecutionRolePolicy}'s grants for every resource type in {@link HandlerPermissions}, which a test
 * keeps equal to the types our templates use in any option combination.
 *
 * <p>The role's own name does not start with the deployment's name, so the IAM grants (roles named
 * {@code {deployment}-*}) do not reach it: CloudFormation cannot widen its own rights. An
 * administrator deploys this stack ({@code iam-policy --bootstrap}).
 */
public final class ExecutionRoleStack extends Stack {

  /**
   * The IAM writes that set a role's policies or boundary: the execution role may call them only on
   * roles that carry the boundary, so no role it creates or edits outgrows {@link RoleBoundary}.
   * Each supports the {@code iam:PermissionsBoundary} condition key
   * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html#awsidentityandaccessmanagementiam-policy-keys;
   * the pattern of
   * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html#access_policies_boundaries-delegate).
   */
  public static final SortedSet<String> BOUNDED_IAM_WRITES =
      new TreeSet<>(
          List.of(
              "iam:AttachRolePolicy",
              "iam:CreateRole",
              "iam:DeleteRolePolicy",
              "iam:DetachRolePolicy",
              "iam:PutRolePermissionsBoundary",
              "iam:PutRolePolicy"));

  private final Role role;

  public ExecutionRoleStack(Construct scope, String id, StackProps props, DeploymentConfig config) {
    super(scope, id, props);
    List<ExecutionRolePolicy.Grant> grants =
        ExecutionRolePolicy.grants(
            HandlerPermissions.load(),
            HandlerPermissions.load().resourceTypes(),
            config.deploymentName(),
            config.region());
    List<List<ExecutionRolePolicy.Grant>> documents =
        ExecutionRolePolicy.packed(grants, ExecutionRolePolicy::renderedLength);
    String boundaryArn =
        "arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/" + boundaryName(config);
    // Boundaries grant nothing themselves (they cap a role's policies): actions used on resources
    // we know in advance are scoped to them, the others apply to any resource and the roles' own
    // policies do the scoping (RoleBoundary).
    PolicyDocument boundary = new PolicyDocument();
    RoleBoundary.statements(config, getAccount())
        .forEach(statement -> boundary.addStatements(CdkStatements.of(statement)));
    ManagedPolicy.Builder.create(this, "RoleBoundary")
        .managedPolicyName(boundaryName(config))
        .description("Permissions boundary of every role of " + config.deploymentName())
        .document(boundary)
        .build();
    role =
        Role.Builder.create(this, "CloudFormationExecutionRole")
            .roleName(roleName(config))
            .description("CloudFormation deploys " + config.deploymentName() + " with this role")
            .assumedBy(
                ServicePrincipal.Builder.create("cloudformation.amazonaws.com")
                    .conditions(Map.of("StringEquals", Map.of("aws:SourceAccount", getAccount())))
                    .build())
            .build();
    for (int i = 0; i < documents.size(); i++) {
      PolicyDocument document = new PolicyDocument();
      documents
          .get(i)
          .forEach(grant -> statements(grant, boundaryArn).forEach(document::addStatements));
      ManagedPolicy.Builder.create(this, "Handlers" + (i + 1))
          .managedPolicyName(roleName(config) + "-" + (i + 1))
          .document(document)
          .roles(List.of(role))
          .build();
    }
    CfnOutput.Builder.create(this, StackOutputs.EXECUTION_ROLE_ARN)
        .value(role.getRoleArn())
        .build();
  }

  /**
   * {@code gifmachine-on-aws-{deployment}-cfn-boundary}: like the role's own policies, outside the
   * execution role's {@code policy/{deployment}-*} grant, so CloudFormation cannot widen it; inside
   * the bootstrap policy's {@code policy/gifmachine-on-aws-{deployment}-cfn-*}.
   */
  public static String boundaryName(DeploymentConfig config) {
    return roleName(config) + "-boundary";
  }

  /** {@code gifmachine-on-aws-{deployment}-cfn}: outside the {@code {deployment}-*} IAM grant. */
  public static String roleName(DeploymentConfig config) {
    return DeploymentConfig.SERVICE + "-" + config.deploymentName() + "-cfn";
  }

  /**
   * The role's ARN in {@code config}'s account, known before the stack exists, so that the CLI can
   * pass it to the stack operations it starts right after deploying this stack.
   */
  public static String roleArn(DeploymentConfig config) {
    if (config.account().isEmpty()) {
      throw new IllegalArgumentException("the execution role's ARN needs the account");
    }
    return "arn:aws:iam::" + config.account() + ":role/" + roleName(config);
  }

  public Role role() {
    return role;
  }

  /**
   * {@code grant} as statements: for IAM, the {@link #BOUNDED_IAM_WRITES} only with the boundary as
   * condition, and removing a boundary denied (else a role could shed it).
   */
  private static List<PolicyStatement> statements(
      ExecutionRolePolicy.Grant grant, String boundaryArn) {
    if (!grant.service().equals("iam")) {
      return List.of(statement(grant, "", grant.actions(), Map.of()));
    }
    SortedSet<String> bounded = new TreeSet<>(grant.actions());
    bounded.retainAll(BOUNDED_IAM_WRITES);
    SortedSet<String> rest = new TreeSet<>(grant.actions());
    rest.removeAll(BOUNDED_IAM_WRITES);
    rest.remove("iam:DeleteRolePermissionsBoundary");
    return List.of(
        statement(grant, "", rest, Map.of()),
        statement(
            grant,
            "WithBoundary",
            bounded,
            Map.of("StringEquals", Map.of("iam:PermissionsBoundary", Fn.sub(boundaryArn)))),
        PolicyStatement.Builder.create()
            .sid("KeepBoundary")
            .effect(Effect.DENY)
            .actions(List.of("iam:DeleteRolePermissionsBoundary"))
            .resources(List.of("*"))
            .build());
  }

  private static PolicyStatement statement(
      ExecutionRolePolicy.Grant grant,
      String sidSuffix,
      SortedSet<String> actions,
      Map<String, Object> conditions) {
    PolicyStatement.Builder builder =
        PolicyStatement.Builder.create()
            .sid(grant.service().replaceAll("[^A-Za-z0-9]", "") + sidSuffix)
            .effect(Effect.ALLOW)
            .actions(List.copyOf(actions))
            .resources(
                grant.resources().stream()
                    .map(resource -> resource.contains("${") ? Fn.sub(resource) : resource)
                    .toList());
    if (!grant.regions().isEmpty()) {
      builder.conditions(Map.of("StringEquals", Map.of("aws:RequestedRegion", grant.regions())));
    } else if (!conditions.isEmpty()) {
      builder.conditions(conditions);
    }
    return builder.build();
  }
}
