package gifmachine.cli.aws;

import java.util.Map;
import java.util.Optional;

/** The Secrets Manager calls of the deployer: the API password secret and its removal. */
public interface SecretsGateway {

  /**
   * @param arn the secret's ARN
   * @param scheduledForDeletion whether a {@code down} without {@code --force} left it in its
   *     recovery window
   */
  record SecretInfo(String arn, boolean scheduledForDeletion) {}

  Optional<SecretInfo> describe(String name);

  /** Creates the secret with tags; returns its ARN. */
  String create(String name, String value, Map<String, String> tags);

  /** Takes a secret out of its recovery window again. */
  void restore(String name);

  String value(String name);

  /** Deletes with a 7-day recovery window, or at once when {@code immediately}. Absent is fine. */
  void delete(String name, boolean immediately);
}
