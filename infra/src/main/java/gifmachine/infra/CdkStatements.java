package gifmachine.infra;

import java.util.LinkedHashMap;
import software.amazon.awscdk.services.iam.Effect;
import software.amazon.awscdk.services.iam.PolicyStatement;

/**
 * Our policy statements ({@link gifmachine.infra.iam.PolicyStatement}, plain data that the CLI
 * prints too) as CDK statements, for the stacks that attach them: the Deploy role's operator policy
 * and the roles' permissions boundary.
 */
final class CdkStatements {
  private CdkStatements() {}

  static PolicyStatement of(gifmachine.infra.iam.PolicyStatement statement) {
    PolicyStatement.Builder builder =
        PolicyStatement.Builder.create()
            .sid(statement.sid())
            .effect(Effect.ALLOW)
            .actions(statement.actions())
            .resources(statement.resources());
    if (!statement.conditions().isEmpty()) {
      builder.conditions(new LinkedHashMap<String, Object>(statement.conditions()));
    }
    return builder.build();
  }
}
