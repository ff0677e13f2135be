package gifmachine.infra;

import gifmachine.infra.iam.ExecutionRolePolicy;
import gifmachine.infra.iam.HandlerPermissions;
import java.util.List;
import java.util.Map;
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
      documents.get(i).forEach(grant -> document.addStatements(statement(grant)));
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

  private static PolicyStatement statement(ExecutionRolePolicy.Grant grant) {
    PolicyStatement.Builder builder =
        PolicyStatement.Builder.create()
            .sid(grant.service().replaceAll("[^A-Za-z0-9]", ""))
            .effect(Effect.ALLOW)
            .actions(List.copyOf(grant.actions()))
            .resources(
                grant.resources().stream()
                    .map(resource -> resource.contains("${") ? Fn.sub(resource) : resource)
                    .toList());
    if (!grant.regions().isEmpty()) {
      builder.conditions(Map.of("StringEquals", Map.of("aws:RequestedRegion", grant.regions())));
    }
    return builder.build();
  }
}
