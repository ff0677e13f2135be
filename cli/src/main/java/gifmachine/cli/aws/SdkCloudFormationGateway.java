package gifmachine.cli.aws;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Capability;
import software.amazon.awssdk.services.cloudformation.model.ChangeSetType;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;
import software.amazon.awssdk.services.cloudformation.model.DescribeChangeSetResponse;
import software.amazon.awssdk.services.cloudformation.model.Output;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.Tag;
import software.amazon.awssdk.services.cloudformation.model.TemplateStage;

/** {@link CloudFormationGateway} on the AWS SDK v2. */
public final class SdkCloudFormationGateway implements CloudFormationGateway {

  /** CloudFormation's limit for an inline template body. */
  static final int MAX_TEMPLATE_BODY = 51_200;

  private static final Capability[] CAPABILITIES = {
    Capability.CAPABILITY_IAM, Capability.CAPABILITY_NAMED_IAM, Capability.CAPABILITY_AUTO_EXPAND
  };
  private static final ObjectMapper JSON = new ObjectMapper();

  private final CloudFormationClient client;

  public SdkCloudFormationGateway(CloudFormationClient client) {
    this.client = client;
  }

  @Override
  public Optional<StackDescription> describe(String stackName) {
    try {
      List<Stack> stacks = client.describeStacks(r -> r.stackName(stackName)).stacks();
      return stacks.stream().findFirst().map(SdkCloudFormationGateway::description);
    } catch (CloudFormationException e) {
      AwsCallException failure = AwsErrors.translate("CloudFormation.DescribeStacks", e);
      if (failure.kind() == AwsCallException.Kind.NOT_FOUND) {
        return Optional.empty();
      }
      throw failure;
    } catch (software.amazon.awssdk.core.exception.SdkException e) {
      throw AwsErrors.translate("CloudFormation.DescribeStacks", e);
    }
  }

  private static StackDescription description(Stack stack) {
    return new StackDescription(
        stack.stackName(),
        stack.stackId(),
        stack.stackStatusAsString(),
        stack.stackStatusReason() == null ? "" : stack.stackStatusReason(),
        stack.outputs().stream()
            .filter(o -> o.outputValue() != null)
            .collect(Collectors.toMap(Output::outputKey, Output::outputValue, (a, b) -> a)),
        stack.tags().stream().collect(Collectors.toMap(Tag::key, Tag::value, (a, b) -> a)));
  }

  @Override
  public List<StackEvent> events(String stackName) {
    return AwsErrors.call(
        "CloudFormation.DescribeStackEvents",
        () ->
            client.describeStackEvents(r -> r.stackName(stackName)).stackEvents().stream()
                .map(
                    e ->
                        new StackEvent(
                            e.eventId(),
                            e.stackName(),
                            e.logicalResourceId(),
                            e.resourceType(),
                            e.resourceStatusAsString(),
                            e.resourceStatusReason() == null ? "" : e.resourceStatusReason(),
                            e.timestamp()))
                .toList());
  }

  @Override
  public Optional<String> template(String stackName) {
    try {
      return Optional.of(
          client
              .getTemplate(r -> r.stackName(stackName).templateStage(TemplateStage.ORIGINAL))
              .templateBody());
    } catch (CloudFormationException e) {
      AwsCallException failure = AwsErrors.translate("CloudFormation.GetTemplate", e);
      if (failure.kind() == AwsCallException.Kind.NOT_FOUND) {
        return Optional.empty();
      }
      throw failure;
    }
  }

  @Override
  public void createChangeSet(
      String stackName,
      String changeSetName,
      String templateBody,
      Map<String, String> tags,
      boolean newStack,
      String roleArn) {
    String body = compact(templateBody);
    AwsErrors.run(
        "CloudFormation.CreateChangeSet",
        () ->
            client.createChangeSet(
                r ->
                    r.stackName(stackName)
                        .changeSetName(changeSetName)
                        .templateBody(body)
                        .tags(tags(tags))
                        .capabilities(CAPABILITIES)
                        .roleARN(role(roleArn))
                        .changeSetType(newStack ? ChangeSetType.CREATE : ChangeSetType.UPDATE)));
  }

  @Override
  public ChangeSet describeChangeSet(String stackName, String changeSetName) {
    return AwsErrors.call(
        "CloudFormation.DescribeChangeSet",
        () -> {
          List<ResourceChange> changes = new ArrayList<>();
          String nextToken = null;
          DescribeChangeSetResponse response;
          do {
            String token = nextToken;
            response =
                client.describeChangeSet(
                    r -> r.stackName(stackName).changeSetName(changeSetName).nextToken(token));
            response.changes().stream()
                .filter(c -> c.resourceChange() != null)
                .forEach(
                    c ->
                        changes.add(
                            new ResourceChange(
                                c.resourceChange().actionAsString(),
                                c.resourceChange().logicalResourceId(),
                                c.resourceChange().resourceType(),
                                c.resourceChange().replacementAsString() == null
                                    ? ""
                                    : c.resourceChange().replacementAsString())));
            nextToken = response.nextToken();
          } while (nextToken != null);
          return new ChangeSet(
              stackName,
              changeSetName,
              response.statusAsString(),
              response.statusReason() == null ? "" : response.statusReason(),
              changes);
        });
  }

  @Override
  public void executeChangeSet(String stackName, String changeSetName) {
    AwsErrors.run(
        "CloudFormation.ExecuteChangeSet",
        () -> client.executeChangeSet(r -> r.stackName(stackName).changeSetName(changeSetName)));
  }

  @Override
  public void deleteChangeSet(String stackName, String changeSetName) {
    AwsErrors.run(
        "CloudFormation.DeleteChangeSet",
        () -> client.deleteChangeSet(r -> r.stackName(stackName).changeSetName(changeSetName)));
  }

  @Override
  public void createStack(
      String stackName, String templateBody, Map<String, String> tags, String roleArn) {
    String body = compact(templateBody);
    AwsErrors.run(
        "CloudFormation.CreateStack",
        () ->
            client.createStack(
                r ->
                    r.stackName(stackName)
                        .templateBody(body)
                        .tags(tags(tags))
                        .capabilities(CAPABILITIES)
                        .roleARN(role(roleArn))));
  }

  @Override
  public boolean updateStack(
      String stackName, String templateBody, Map<String, String> tags, String roleArn) {
    String body = compact(templateBody);
    try {
      client.updateStack(
          r ->
              r.stackName(stackName)
                  .templateBody(body)
                  .tags(tags(tags))
                  .capabilities(CAPABILITIES)
                  .roleARN(role(roleArn)));
      return true;
    } catch (CloudFormationException e) {
      if (String.valueOf(e.getMessage()).contains("No updates are to be performed")) {
        return false;
      }
      throw AwsErrors.translate("CloudFormation.UpdateStack", e);
    } catch (software.amazon.awssdk.core.exception.SdkException e) {
      throw AwsErrors.translate("CloudFormation.UpdateStack", e);
    }
  }

  @Override
  public void deleteStack(String stackName) {
    AwsErrors.run(
        "CloudFormation.DeleteStack", () -> client.deleteStack(r -> r.stackName(stackName)));
  }

  @Override
  public void cancelUpdateStack(String stackName) {
    AwsErrors.run(
        "CloudFormation.CancelUpdateStack",
        () -> client.cancelUpdateStack(r -> r.stackName(stackName)));
  }

  private static List<Tag> tags(Map<String, String> tags) {
    return tags.entrySet().stream()
        .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build())
        .toList();
  }

  /**
   * CDK writes indented JSON; without the whitespace a template is about half the size, which keeps
   * the big service stack under the 51,200-byte limit for inline bodies (no S3 bucket needed).
   */
  static String compact(String templateBody) {
    String body;
    try {
      body = JSON.writeValueAsString(JSON.readTree(templateBody));
    } catch (Exception e) {
      body = templateBody;
    }
    if (body.length() > MAX_TEMPLATE_BODY) {
      throw new AwsCallException(
          AwsCallException.Kind.REJECTED,
          "CloudFormation",
          "template is "
              + body.length()
              + " bytes, over CloudFormation's "
              + MAX_TEMPLATE_BODY
              + "-byte limit for inline templates");
    }
    return body;
  }

  /**
   * The execution role, or null (the SDK then leaves RoleARN out) so that CloudFormation uses the
   * caller's rights, or the role an earlier operation associated with the stack
   * (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_UpdateStack.html).
   */
  private static String role(String roleArn) {
    return roleArn.isEmpty() ? null : roleArn;
  }
}
