package gifmachine.cli.aws;

import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.Tag;

/** {@link SecretsGateway} on Secrets Manager. */
public final class SdkSecretsGateway implements SecretsGateway {

  private final SecretsManagerClient client;

  public SdkSecretsGateway(SecretsManagerClient client) {
    this.client = client;
  }

  @Override
  public Optional<SecretInfo> describe(String name) {
    try {
      DescribeSecretResponse response = client.describeSecret(r -> r.secretId(name));
      return Optional.of(new SecretInfo(response.arn(), response.deletedDate() != null));
    } catch (ResourceNotFoundException e) {
      return Optional.empty();
    } catch (software.amazon.awssdk.core.exception.SdkException e) {
      throw AwsErrors.translate("SecretsManager.DescribeSecret", e);
    }
  }

  @Override
  public String create(String name, String value, Map<String, String> tags) {
    return AwsErrors.call(
        "SecretsManager.CreateSecret",
        () ->
            client
                .createSecret(
                    r ->
                        r.name(name)
                            .secretString(value)
                            .description(
                                "Gifmachine API password (POST /gif), created by gifmachine-on-aws")
                            .tags(
                                tags.entrySet().stream()
                                    .map(
                                        e ->
                                            Tag.builder()
                                                .key(e.getKey())
                                                .value(e.getValue())
                                                .build())
                                    .toList()))
                .arn());
  }

  @Override
  public void restore(String name) {
    AwsErrors.run(
        "SecretsManager.RestoreSecret", () -> client.restoreSecret(r -> r.secretId(name)));
  }

  @Override
  public String value(String name) {
    return AwsErrors.call(
        "SecretsManager.GetSecretValue",
        () -> client.getSecretValue(r -> r.secretId(name)).secretString());
  }

  @Override
  public void delete(String name, boolean immediately) {
    try {
      if (immediately) {
        client.deleteSecret(r -> r.secretId(name).forceDeleteWithoutRecovery(true));
      } else {
        client.deleteSecret(r -> r.secretId(name).recoveryWindowInDays(7L));
      }
    } catch (ResourceNotFoundException e) {
      // Already gone: running down twice is harmless.
    } catch (software.amazon.awssdk.core.exception.SdkException e) {
      AwsCallException failure = AwsErrors.translate("SecretsManager.DeleteSecret", e);
      // Deleting a secret already scheduled for deletion is rejected; it is on its way out.
      if (!String.valueOf(failure.getMessage()).contains("scheduled for deletion")) {
        throw failure;
      }
    }
  }
}
