package gifmachine.cli.testing;

import gifmachine.cli.aws.Aws;
import gifmachine.cli.aws.AwsConnector;
import gifmachine.cli.aws.AwsSettings;
import gifmachine.cli.local.ExternalProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * JUnit extension: one {@code moto_server} (the AWS emulator, preinstalled) per test class, on a
 * free loopback port, with {@code MOTO_ECS_SERVICE_RUNNING=1} so that ECS services report a running
 * task. It fails the test, never skips, when moto is missing. Test parameters of type {@link
 * MotoServer.Endpoint} get its address. A class that needs moto started differently registers an
 * instance with more environment, e.g. IAM enforcement ({@code INITIAL_NO_AUTH_ACTION_COUNT}: after
 * that many calls, every call is checked against the caller's IAM policies).
 *
 * <pre>{@code
 * @ExtendWith(MotoServer.class)
 * class GatewaysIT {
 *   @Test void works(MotoServer.Endpoint moto) { Aws aws = moto.connect("eu-west-1"); ... }
 * }
 * }</pre>
 *
 * <pre>{@code
 * @RegisterExtension
 * static final MotoServer MOTO = new MotoServer(Map.of("INITIAL_NO_AUTH_ACTION_COUNT", "4"));
 * }</pre>
 */
public final class MotoServer implements BeforeAllCallback, ParameterResolver {

  private final Map<String, String> environment;

  /** moto as every test class gets it through {@code @ExtendWith}. */
  public MotoServer() {
    this(Map.of());
  }

  /** moto with {@code environment} added to its own (moto's settings are environment variables). */
  public MotoServer(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  /** Dummy credentials moto accepts; the default chain reads them from these system properties. */
  public static final Map<String, String> CREDENTIALS =
      Map.of("aws.accessKeyId", "testing", "aws.secretAccessKey", "testing");

  /** A running moto server. */
  public record Endpoint(URI uri, ExternalProcess process)
      implements ExtensionContext.Store.CloseableResource {

    public String url() {
      return uri.toString();
    }

    public Aws connect(String region) {
      return AwsConnector.connect(new AwsSettings(region, "", url()));
    }

    /** Forgets everything moto holds, between tests. */
    public void reset() throws IOException, InterruptedException {
      HttpClient.newHttpClient()
          .send(
              HttpRequest.newBuilder(uri.resolve("/moto-api/reset"))
                  .POST(HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.discarding());
    }

    /**
     * Lets the next {@code calls} AWS calls through unauthenticated, then checks every call against
     * IAM (moto's {@code /moto-api/reset-auth}); a reset does not do this.
     */
    public void authenticateAfter(int calls) throws IOException, InterruptedException {
      HttpResponse<String> response =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(uri.resolve("/moto-api/reset-auth"))
                      .POST(HttpRequest.BodyPublishers.ofString(String.valueOf(calls)))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IOException(
            "moto refused reset-auth: " + response.statusCode() + " " + response.body());
      }
    }

    @Override
    public void close() {
      process.close();
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    CREDENTIALS.forEach(System::setProperty);
    context
        .getStore(
            ExtensionContext.Namespace.create(MotoServer.class, context.getRequiredTestClass()))
        .getOrComputeIfAbsent(Endpoint.class, k -> start(environment), Endpoint.class);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Endpoint.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context
        .getStore(
            ExtensionContext.Namespace.create(MotoServer.class, context.getRequiredTestClass()))
        .get(Endpoint.class, Endpoint.class);
  }

  /**
   * A directory holding {@code sitecustomize.py} (from the test resources), which Python imports at
   * start: our corrections of moto where it differs from AWS, each explained there.
   */
  private static Path corrections() throws IOException {
    Path dir = Files.createTempDirectory("moto-corrections");
    try (var in = MotoServer.class.getResourceAsStream("/moto/sitecustomize.py")) {
      if (in == null) {
        throw new IllegalStateException("moto/sitecustomize.py is missing from the test resources");
      }
      Files.copy(in, dir.resolve("sitecustomize.py"));
    }
    return dir;
  }

  public static Endpoint start() {
    return start(Map.of());
  }

  static Endpoint start(Map<String, String> environment) {
    try {
      int port = FreePorts.loopback();
      Path log = Files.createTempFile("moto", ".log");
      if (ExternalProcess.onPath("moto_server", System.getenv().getOrDefault("PATH", ""))
          .isEmpty()) {
        throw new IllegalStateException(
            "moto_server is not installed: run scripts/install-test-tools");
      }
      Map<String, String> env = new java.util.HashMap<>(environment);
      env.put("MOTO_ECS_SERVICE_RUNNING", "1");
      env.put("PYTHONPATH", corrections().toString());
      ExternalProcess process =
          ExternalProcess.start(
              "moto_server",
              List.of("moto_server", "-H", "127.0.0.1", "-p", String.valueOf(port)),
              log,
              env);
      URI uri = URI.create("http://127.0.0.1:" + port);
      try {
        process.awaitReady(uri.resolve("/moto-api/"), Duration.ofSeconds(60), status -> true);
      } catch (IOException e) {
        process.close();
        throw e;
      }
      return new Endpoint(uri, process);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
