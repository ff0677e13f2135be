package gifmachine.cli.image;

import gifmachine.cli.local.ExternalProcess;
import gifmachine.cli.testing.FreePorts;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Debian's {@code docker-registry} (the CNCF distribution registry) on a free loopback port with
 * filesystem storage in a temp directory, optionally behind htpasswd basic auth. Its request log is
 * kept so tests can count the uploads a push really made.
 */
final class LocalRegistry implements AutoCloseable {

  static final Path BINARY = Path.of("/usr/bin/docker-registry");

  private static final Pattern UPLOAD_START =
      Pattern.compile("\"POST /v2/(\\S+)/blobs/uploads/\\S* HTTP");

  private static final Pattern MANIFEST_PUT =
      Pattern.compile("\"PUT /v2/(\\S+)/manifests/\\S+ HTTP");

  private final ExternalProcess process;
  private final int port;
  private final Path log;

  private LocalRegistry(ExternalProcess process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
  }

  static LocalRegistry start(Path directory) throws IOException, InterruptedException {
    return start(directory, "");
  }

  /** {@code htpasswdLine} is {@code user:bcrypt-hash}, or empty for an open registry. */
  static LocalRegistry start(Path directory, String htpasswdLine)
      throws IOException, InterruptedException {
    if (!Files.isExecutable(BINARY)) {
      throw new IllegalStateException(
          BINARY + " is missing: install Debian's docker-registry (scripts/install-test-tools)");
    }
    int port = FreePorts.loopback();
    Path storage = Files.createDirectories(directory.resolve("storage"));
    String auth = "";
    if (!htpasswdLine.isEmpty()) {
      Path htpasswd = Files.writeString(directory.resolve("htpasswd"), htpasswdLine + "\n");
      auth = "auth:\n  htpasswd:\n    realm: test-registry\n    path: " + htpasswd + "\n";
    }
    Path config =
        Files.writeString(
            directory.resolve("config.yml"),
            """
            version: 0.1
            log:
              level: info
              accesslog:
                disabled: false
            storage:
              filesystem:
                rootdirectory: %s
            http:
              addr: 127.0.0.1:%d
            %s"""
                .formatted(storage, port, auth));
    Path log = directory.resolve("registry.log");
    ExternalProcess process =
        ExternalProcess.start(
            "docker-registry",
            List.of(BINARY.toString(), "serve", config.toString()),
            log,
            Map.of());
    LocalRegistry registry = new LocalRegistry(process, port, log);
    try {
      // 401 is ready too: a registry with htpasswd auth refuses the anonymous probe.
      process.awaitReady(
          URI.create(registry.baseUri() + "/v2/"),
          Duration.ofSeconds(20),
          status -> status == 200 || status == 401);
    } catch (IOException e) {
      registry.close();
      throw e;
    }
    return registry;
  }

  /** {@code 127.0.0.1:PORT}: the registry part of image references. */
  String host() {
    return "127.0.0.1:" + port;
  }

  String baseUri() {
    return "http://" + host();
  }

  /** How many blob uploads the registry has started for {@code repository} so far. */
  long uploadsTo(String repository) throws IOException {
    return uploadLines().stream()
        .map(UPLOAD_START::matcher)
        .filter(Matcher::find)
        .filter(m -> m.group(1).equals(repository))
        .count();
  }

  /** How many manifests (tags or digests) have been pushed to {@code repository} so far. */
  long manifestPushesTo(String repository) throws IOException {
    return Files.readAllLines(log).stream()
        .map(MANIFEST_PUT::matcher)
        .filter(Matcher::find)
        .filter(m -> m.group(1).equals(repository))
        .count();
  }

  private List<String> uploadLines() throws IOException {
    return Files.readAllLines(log).stream()
        .filter(line -> line.contains("/blobs/uploads/"))
        .toList();
  }

  @Override
  public void close() {
    process.close();
  }
}
