package gifmachine.cli.aws;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The CloudFormation operations the deployer needs, behind an interface we own so that the deploy
 * engine can be tested against an in-memory implementation with scripted event sequences. Methods
 * throw {@link AwsCallException}; {@link SdkCloudFormationGateway} is the real one.
 */
public interface CloudFormationGateway {

  /** The stack by name, or empty when there is none (deleted stacks are not returned). */
  Optional<StackDescription> describe(String stackName);

  /** The stack's most recent events, newest first (one page; the poller de-duplicates). */
  List<StackEvent> events(String stackName);

  /** The template body of the deployed stack, or empty when there is no stack. */
  Optional<String> template(String stackName);

  /**
   * Starts creating a change set; {@code newStack} makes it a CREATE change set. CloudFormation
   * executes it with {@code roleArn} (the execution role; empty: the caller's own rights).
   */
  void createChangeSet(
      String stackName,
      String changeSetName,
      String templateBody,
      Map<String, String> tags,
      boolean newStack,
      String roleArn);

  default void createChangeSet(
      String stackName,
      String changeSetName,
      String templateBody,
      Map<String, String> tags,
      boolean newStack) {
    createChangeSet(stackName, changeSetName, templateBody, tags, newStack, "");
  }

  ChangeSet describeChangeSet(String stackName, String changeSetName);

  void executeChangeSet(String stackName, String changeSetName);

  void deleteChangeSet(String stackName, String changeSetName);

  /** Direct creation without a change set (what moto supports fully, outputs included). */
  void createStack(String stackName, String templateBody, Map<String, String> tags, String roleArn);

  default void createStack(String stackName, String templateBody, Map<String, String> tags) {
    createStack(stackName, templateBody, tags, "");
  }

  /**
   * Direct update without a change set.
   *
   * @return false when CloudFormation says there is nothing to update
   */
  boolean updateStack(
      String stackName, String templateBody, Map<String, String> tags, String roleArn);

  default boolean updateStack(String stackName, String templateBody, Map<String, String> tags) {
    return updateStack(stackName, templateBody, tags, "");
  }

  void deleteStack(String stackName);

  /**
   * Cancels the update in progress; CloudFormation then rolls the stack back to the configuration
   * it had before (UPDATE_ROLLBACK_IN_PROGRESS, then UPDATE_ROLLBACK_COMPLETE). Only a stack in
   * UPDATE_IN_PROGRESS can be cancelled
   * (https://docs.aws.amazon.com/AWSCloudFormation/latest/APIReference/API_CancelUpdateStack.html).
   */
  void cancelUpdateStack(String stackName);
}
