package gifmachine.cli.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import gifmachine.cli.testing.FreePorts;
import gifmachine.infra.ImageName;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pushes to a docker-registry that requires htpasswd basic auth, as ECR requires its token: the
 * credentials reach the registry, and wrong ones give a {@code what happened: why} error that names
 * the user but never the password.
 */
class RegistryAuthIT {

  static final Path HTPASSWD = Path.of("/usr/bin/htpasswd");
  static final String USER = "pusher";
  static final String PASSWORD = "correct-horse-battery";

  @TempDir static Path directory;
  static LocalRegistry registry;
  static String previousHttpCredentials;

  @BeforeAll
  static void startRegistryWithPasswords() throws Exception {
    if (!Files.isExecutable(HTPASSWD)) {
      throw new IllegalStateException(
          HTPASSWD + " is missing: install apache2-utils (scripts/install-test-tools)");
    }
    Process htpasswd = new ProcessBuilder(HTPASSWD.toString(), "-nbB", USER, PASSWORD).start();
    assertThat(htpasswd.waitFor(30, TimeUnit.SECONDS)).isTrue();
    String line =
        new String(htpasswd.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(line).startsWith(USER + ":$2");
    registry = LocalRegistry.start(Files.createDirectories(directory.resolve("registry")), line);
    // Jib sends credentials over plain HTTP only when told to; only this loopback test does.
    previousHttpCredentials = System.setProperty("sendCredentialsOverHttp", "true");
    ImageFixtures.repositoryRoot(Files.createDirectories(directory.resolve("checkout")));
  }

  @AfterAll
  static void stopRegistry() throws Exception {
    if (previousHttpCredentials == null) {
      System.clearProperty("sendCredentialsOverHttp");
    } else {
      System.setProperty("sendCredentialsOverHttp", previousHttpCredentials);
    }
    registry.close();
  }

  private static ImagePublisher publisher(String work) {
    Path workDirectory = directory.resolve(work);
    BaseImages scratch =
        kind -> ImageFixtures.scratchBase(kind, ImagePlatform.AMD64, workDirectory);
    ImageSources sources = new ImageSources(directory.resolve("checkout"));
    return new ImagePublisher(
        sources,
        scratch,
        ImagePublisher.Options.defaults(ImagePlatform.AMD64, workDirectory, sources)
            .withRevisions(ImageRevisions.fixed("0123abc"))
            .withInsecureRegistries(true),
        message -> {});
  }

  @Test
  void the_right_credentials_push_an_image_that_reads_back_with_them() throws Exception {
    PublishedImage image =
        publisher("work-ok")
            .publish(
                ImageName.CDEPOT,
                registry.host() + "/auth/cdepot",
                new RegistryCredentials(USER, PASSWORD));

    RegistryReader.Image stored =
        new RegistryReader(registry.baseUri(), USER, PASSWORD).image("auth/cdepot", image.digest());
    assertThat(stored.digest()).isEqualTo(image.digest());
    assertThat(image.layersPushed()).isTrue();
  }

  static Stream<Arguments> refusedCredentials() {
    return Stream.of(
        Arguments.of(
            new RegistryCredentials(USER, "wrong-password"), "refused access as user 'pusher'"),
        Arguments.of(
            new RegistryCredentials("nobody-here", PASSWORD),
            "refused access as user 'nobody-here'"),
        Arguments.of(RegistryCredentials.anonymous(), "refused access without credentials"));
  }

  @ParameterizedTest
  @MethodSource("refusedCredentials")
  void refused_credentials_fail_with_what_happened_and_why_without_the_password(
      RegistryCredentials credentials, String why) {
    String uri = registry.host() + "/auth/csidecar";

    assertThatThrownBy(
            () -> publisher("work-refused").publish(ImageName.CSIDECAR, uri, credentials))
        .isInstanceOf(ImagePublishException.class)
        .hasMessageStartingWith("pushing the csidecar image to " + uri + " failed: ")
        .hasMessageContaining(why)
        .hasMessageContaining("check the user name and password")
        .message()
        .doesNotContain(PASSWORD)
        .doesNotContain("wrong-password");
  }

  static List<String> badRepositoryUris() {
    return List.of("127.0.0.1:5000/x/cdepot:latest", "127.0.0.1:5000/x/cdepot@sha256:abc", " ");
  }

  @ParameterizedTest
  @MethodSource("badRepositoryUris")
  void a_repository_uri_with_a_tag_or_digest_is_refused_before_building(String uri) {
    assertThatThrownBy(
            () ->
                publisher("work-bad")
                    .publish(ImageName.CDEPOT, uri, RegistryCredentials.anonymous()))
        .isInstanceOf(ImagePublishException.class)
        .hasMessageContaining("failed: the repository URI must have no tag or digest");
  }

  @Test
  void an_unreachable_registry_fails_with_the_reason() throws Exception {
    int closedPort = FreePorts.loopback();
    String uri = "127.0.0.1:" + closedPort + "/gone/cdepot";

    assertThatThrownBy(
            () ->
                publisher("work-gone")
                    .publish(ImageName.CDEPOT, uri, RegistryCredentials.anonymous()))
        .isInstanceOf(ImagePublishException.class)
        .hasMessageStartingWith("pushing the cdepot image to " + uri + " failed: ")
        .hasMessageContaining("connect");
  }
}
