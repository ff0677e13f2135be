package gifmachine.cli.command;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import gifmachine.cli.aws.Aws;
import gifmachine.infra.StackPart;
import gifmachine.infra.iam.OperatorPolicy;
import gifmachine.infra.iam.PolicyStatement;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code iam-policy}: the least-privilege IAM policy for whoever runs {@code up}, {@code plan},
 * {@code status}, {@code logs}, {@code release}, {@code rollback} and {@code down} for one
 * deployment, as JSON on stdout (or a table with {@code --output text}). {@code --bootstrap} adds
 * what an administrator needs, once, to deploy the execution-role stack that CloudFormation then
 * deploys everything else with.
 *
 * <pre>{@code
 * gifmachine-on-aws iam-policy -e prod -c dundermiff --region eu-west-1 > operator.json
 * aws iam create-policy --policy-name prod-dundermiff-operator --policy-document file://operator.json
 * }</pre>
 */
@Command(
    name = "iam-policy",
    mixinStandardHelpOptions = true,
    description = "Print the least-privilege IAM policy for running this deployment.")
public final class IamPolicyCommand extends AwsCommand {

  enum Format {
    json,
    text
  }

  @Option(
      names = {"-o", "--output"},
      paramLabel = "json|text",
      description = "json (default): the policy document; text: action, resource, why.")
  Format output = Format.json;

  @Option(
      names = "--bootstrap",
      description = "The administrator's policy: also create or change the execution role.")
  boolean bootstrap;

  @Option(
      names = "--account",
      paramLabel = "ID",
      description = "The 12-digit AWS account (default: the one the credentials belong to).")
  String account;

  public IamPolicyCommand(CliContext context) {
    super(context);
  }

  @Override
  protected int run(DeployOptions.Resolved resolved) throws Exception {
    String accountId = account != null ? requireAccount(account) : accountOfCredentials(resolved);
    List<PolicyStatement> statements =
        bootstrap
            ? OperatorPolicy.bootstrap(resolved.config(), accountId)
            : OperatorPolicy.statements(resolved.config(), accountId);
    var out = out();
    if (output == Format.json) {
      out.println(
          new ObjectMapper()
              .enable(SerializationFeature.INDENT_OUTPUT)
              .writeValueAsString(OperatorPolicy.document(statements)));
    } else {
      out.printf("%-44s %-70s %s%n", "ACTION", "RESOURCE", "WHY");
      for (PolicyStatement statement : statements) {
        for (String action : statement.actions()) {
          for (String resource : statement.resources()) {
            out.printf("%-44s %-70s %s%n", action, resource, statement.why());
          }
        }
      }
    }
    err()
        .println(
            bootstrap
                ? "Next: an administrator deploys the execution role once with this policy: "
                    + "gifmachine-on-aws up (it creates "
                    + resolved.config().stackName(StackPart.EXECUTION_ROLE)
                    + " first); operators then need only gifmachine-on-aws iam-policy"
                : "Next: attach this policy to the operator or CI role; an administrator runs "
                    + "gifmachine-on-aws iam-policy --bootstrap once for the execution role");
    return 0;
  }

  private static String requireAccount(String value) {
    if (!value.matches("\\d{12}")) {
      throw new gifmachine.cli.config.ConfigException(
          "--account \""
              + value
              + "\": not a 12-digit AWS account ID; give the account the deployment lives in");
    }
    return value;
  }

  private String accountOfCredentials(DeployOptions.Resolved resolved) throws Exception {
    try (Aws aws = connect(resolved)) {
      return aws.account().identity().account();
    }
  }
}
