package gifmachine.cli.aws;

import java.net.URI;
import java.util.Optional;

/**
 * Where and as whom the SDK clients talk to AWS.
 *
 * @param region e.g. {@code eu-west-1}
 * @param profile a named profile from {@code ~/.aws/config}, blank for the default chain
 * @param endpoint an emulator's endpoint (moto, LocalStack), blank for AWS itself
 */
public record AwsSettings(String region, String profile, String endpoint) {

  public Optional<String> namedProfile() {
    return Optional.ofNullable(profile).filter(p -> !p.isBlank());
  }

  public Optional<URI> endpointOverride() {
    return Optional.ofNullable(endpoint).filter(e -> !e.isBlank()).map(URI::create);
  }
}
