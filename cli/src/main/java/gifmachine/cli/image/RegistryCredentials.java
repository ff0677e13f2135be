package gifmachine.cli.image;

import java.util.Objects;

/**
 * A user name and password for a registry, e.g. {@code AWS} and the token of ECR's {@code
 * GetAuthorizationToken}. {@link #toString()} never shows the password.
 */
public record RegistryCredentials(String username, String password) {

  public RegistryCredentials {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
  }

  /** No credentials: for registries that allow anonymous pushes (tests, local registries). */
  public static RegistryCredentials anonymous() {
    return new RegistryCredentials("", "");
  }

  public boolean isAnonymous() {
    return username.isEmpty() && password.isEmpty();
  }

  @Override
  public String toString() {
    return isAnonymous()
        ? "RegistryCredentials[anonymous]"
        : "RegistryCredentials[" + username + ", ****]";
  }
}
