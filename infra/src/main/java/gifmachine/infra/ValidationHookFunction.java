package gifmachine.infra;

import java.util.List;
import java.util.Map;
import software.amazon.awscdk.Duration;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.Stack;
import software.amazon.awscdk.services.ec2.CfnSecurityGroupIngress;
import software.amazon.awscdk.services.ec2.ISecurityGroup;
import software.amazon.awscdk.services.ec2.IVpc;
import software.amazon.awscdk.services.ec2.Port;
import software.amazon.awscdk.services.ec2.SecurityGroup;
import software.amazon.awscdk.services.ec2.SubnetSelection;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.iam.Role;
import software.amazon.awscdk.services.iam.ServicePrincipal;
import software.amazon.awscdk.services.lambda.Architecture;
import software.amazon.awscdk.services.lambda.Code;
import software.amazon.awscdk.services.lambda.Function;
import software.amazon.awscdk.services.lambda.IFunction;
import software.amazon.awscdk.services.lambda.Runtime;
import software.amazon.awscdk.services.logs.LogGroup;
import software.amazon.awscdk.services.s3.Bucket;
import software.constructs.Construct;

/**
 * The blue/green validation hook (module {@code hook/}) as a Lambda function in the VPC: ECS calls
 * it after test traffic has shifted to the new revision, and it checks that revision through the
 * load balancer's test listener. Its code is a jar the CLI uploaded to {@code bucket/key} (a
 * content-hash key), so deploying it needs no {@code cdk bootstrap} asset bucket.
 *
 * <pre>{@code
 * var hook = new ValidationHookFunction(stack, "ValidationHook", new ValidationHookFunction.Props(
 *     vpc, privateSubnets, loadBalancerSecurityGroup, 8080, "http://alb-dns:8080/",
 *     "artifacts-bucket", "hook/3f2a….jar", true));
 * traffic.addValidationHook(hook.function());
 * }</pre>
 */
public final class ValidationHookFunction extends Construct {
  static final String HANDLER = "gifmachine.hook.ValidationHook::handleRequest";

  /** Each call checks within about 20 s (5 s per check, the WebSocket twice). */
  static final Duration TIMEOUT = Duration.seconds(60);

  static final int MEMORY_MIB = 512;

  /**
   * Where the hook runs and what it checks.
   *
   * @param testListenerPort the load balancer's test listener, the only place it may connect to
   * @param testUrl the test listener's URL, e.g. {@code http://<alb>:8080/}
   * @param codeBucket the bucket the CLI uploaded the hook's jar to
   * @param codeKey the jar's key, named by its content hash so a new jar is a new key
   */
  public record Props(
      IVpc vpc,
      SubnetSelection subnets,
      ISecurityGroup loadBalancerSecurityGroup,
      int testListenerPort,
      String testUrl,
      String codeBucket,
      String codeKey,
      boolean graviton) {}

  private final Function function;
  private final SecurityGroup securityGroup;
  private final LogGroup logs;

  public ValidationHookFunction(Construct scope, String id, Props props) {
    super(scope, id);
    logs =
        LogGroup.Builder.create(this, "Logs")
            .retention(GifmachineStack.LOG_RETENTION)
            .removalPolicy(RemovalPolicy.DESTROY)
            .build();
    // Outbound only to the load balancer's test listener: no internet, no other service.
    securityGroup =
        SecurityGroup.Builder.create(this, "SecurityGroup")
            .vpc(props.vpc())
            .description("Validation hook: reaches only the load balancer test listener")
            .allowAllOutbound(false)
            .build();
    securityGroup.addEgressRule(
        props.loadBalancerSecurityGroup(), Port.tcp(props.testListenerPort()), "test listener");
    // The load balancer's side, written in this stack: addIngressRule would put it in the
    // network stack, which cannot refer back to this one.
    CfnSecurityGroupIngress.Builder.create(this, "TestListenerIngress")
        .groupId(props.loadBalancerSecurityGroup().getSecurityGroupId())
        .sourceSecurityGroupId(securityGroup.getSecurityGroupId())
        .ipProtocol("tcp")
        .fromPort(props.testListenerPort())
        .toPort(props.testListenerPort())
        .description("validation hook")
        .build();

    // Our own role, written out: CDK's default would attach AWSLambdaVPCAccessExecutionRole and
    // AWSLambdaBasicExecutionRole, whose logs:* reach every log group in the account.
    Role role =
        Role.Builder.create(this, "Role")
            .assumedBy(new ServicePrincipal("lambda.amazonaws.com"))
            .description("Validation hook: writes its own log group, manages its VPC interfaces")
            .build();
    role.addToPolicy(
        PolicyStatement.Builder.create()
            .actions(List.of("logs:CreateLogStream", "logs:PutLogEvents"))
            .resources(List.of(logs.getLogGroupArn(), logs.getLogGroupArn() + ":log-stream:*"))
            .build());
    // A function in a VPC creates and deletes its network interfaces; the describe calls have no
    // resource-level permissions, the others are limited to this account's interfaces, subnets
    // and the hook's own security group:
    // https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html#configuration-vpc-permissions
    role.addToPolicy(
        PolicyStatement.Builder.create()
            .actions(List.of("ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"))
            .resources(List.of("*"))
            .build());
    Stack stack = Stack.of(this);
    role.addToPolicy(
        PolicyStatement.Builder.create()
            .actions(
                List.of(
                    "ec2:CreateNetworkInterface",
                    "ec2:DeleteNetworkInterface",
                    "ec2:AssignPrivateIpAddresses",
                    "ec2:UnassignPrivateIpAddresses"))
            .resources(
                List.of(
                    ec2Arn(stack, "network-interface/*"),
                    ec2Arn(stack, "subnet/*"),
                    ec2Arn(stack, "security-group/" + securityGroup.getSecurityGroupId())))
            .build());

    function =
        Function.Builder.create(this, "Function")
            .description("Checks a new Gifmachine revision through the test listener (blue/green)")
            // The newest Java runtime Lambda offers (cdk-nag L1); the build compiles for 25.
            .runtime(Runtime.JAVA_25)
            .architecture(props.graviton() ? Architecture.ARM_64 : Architecture.X86_64)
            .handler(HANDLER)
            .code(
                Code.fromBucketV2(
                    Bucket.fromBucketName(this, "CodeBucket", props.codeBucket()), props.codeKey()))
            .memorySize(MEMORY_MIB)
            .timeout(TIMEOUT)
            .role(role)
            .logGroup(logs)
            .vpc(props.vpc())
            .vpcSubnets(props.subnets())
            .securityGroups(List.of(securityGroup))
            // ECS calls it once per deployment stage: one at a time is plenty, and it caps cost.
            .reservedConcurrentExecutions(2)
            .environment(Map.of("GIFMACHINE_TEST_URL", props.testUrl()))
            .build();
  }

  private static String ec2Arn(Stack stack, String resource) {
    return "arn:"
        + stack.getPartition()
        + ":ec2:"
        + stack.getRegion()
        + ":"
        + stack.getAccount()
        + ":"
        + resource;
  }

  public IFunction function() {
    return function;
  }

  public SecurityGroup securityGroup() {
    return securityGroup;
  }

  /** Where each call's outcome and reason are one JSON line (what `release` shows). */
  public LogGroup logGroup() {
    return logs;
  }
}
