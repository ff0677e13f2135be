package gifmachine.cli.aws;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One {@link CloudFormationGateway} over two regions: the stacks named in {@code elsewhere} go to
 * the second gateway, every other stack to the deployment's region. The CloudFront firewall stack
 * must live in us-east-1 (a CLOUDFRONT-scope web ACL exists only there), and with this the deploy
 * engine, {@code status}, {@code plan} and {@code down} handle it like any other stack.
 *
 * <pre>{@code
 * CloudFormationGateway both = new StackRegions(home, usEast1, Set.of("prod-acme-waf"));
 * }</pre>
 */
public final class StackRegions implements CloudFormationGateway {

  private final CloudFormationGateway home;
  private final CloudFormationGateway other;
  private final Set<String> elsewhere;

  public StackRegions(
      CloudFormationGateway home, CloudFormationGateway other, Set<String> elsewhere) {
    this.home = home;
    this.other = other;
    this.elsewhere = Set.copyOf(elsewhere);
  }

  private CloudFormationGateway of(String stackName) {
    return elsewhere.contains(stackName) ? other : home;
  }

  @Override
  public Optional<StackDescription> describe(String stackName) {
    return of(stackName).describe(stackName);
  }

  @Override
  public List<StackEvent> events(String stackName) {
    return of(stackName).events(stackName);
  }

  @Override
  public Optional<String> template(String stackName) {
    return of(stackName).template(stackName);
  }

  @Override
  public void createChangeSet(
      String stackName,
      String changeSetName,
      String templateBody,
      Map<String, String> tags,
      boolean newStack,
      String roleArn) {
    of(stackName).createChangeSet(stackName, changeSetName, templateBody, tags, newStack, roleArn);
  }

  @Override
  public ChangeSet describeChangeSet(String stackName, String changeSetName) {
    return of(stackName).describeChangeSet(stackName, changeSetName);
  }

  @Override
  public void executeChangeSet(String stackName, String changeSetName) {
    of(stackName).executeChangeSet(stackName, changeSetName);
  }

  @Override
  public void deleteChangeSet(String stackName, String changeSetName) {
    of(stackName).deleteChangeSet(stackName, changeSetName);
  }

  @Override
  public void createStack(
      String stackName, String templateBody, Map<String, String> tags, String roleArn) {
    of(stackName).createStack(stackName, templateBody, tags, roleArn);
  }

  @Override
  public boolean updateStack(
      String stackName, String templateBody, Map<String, String> tags, String roleArn) {
    return of(stackName).updateStack(stackName, templateBody, tags, roleArn);
  }

  @Override
  public void deleteStack(String stackName) {
    of(stackName).deleteStack(stackName);
  }

  @Override
  public void cancelUpdateStack(String stackName) {
    of(stackName).cancelUpdateStack(stackName);
  }
}
