package gifmachine.cli.aws;

/**
 * The ECR calls of the deployer: credentials for pushing, and emptying repositories on {@code
 * down}.
 */
public interface RegistryGateway {

  /**
   * Docker registry credentials from {@code GetAuthorizationToken}, valid for 12 hours.
   *
   * @param endpoint e.g. {@code https://123456789012.dkr.ecr.eu-west-1.amazonaws.com}
   */
  record Login(String username, String password, String endpoint) {
    @Override
    public String toString() {
      return "Login[username=" + username + ", endpoint=" + endpoint + "]";
    }
  }

  Login login();

  /**
   * Whether the repository still holds the image with this digest ({@code sha256:…}): the lifecycle
   * policy expires old ones (DescribeImages answers ImageNotFoundException).
   */
  boolean imageExists(String repositoryName, String digest);

  /** Deletes every image in the repository; returns how many. An absent repository counts 0. */
  int deleteAllImages(String repositoryName);
}
