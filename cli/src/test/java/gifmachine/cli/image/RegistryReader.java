package gifmachine.cli.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/** Reads images back over the Registry HTTP API, as a runtime pulling them would. */
final class RegistryReader {

  static final String MANIFEST_TYPES =
      "application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json";

  private final HttpClient client = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();
  private final String baseUri;
  private final String authorization;

  RegistryReader(String baseUri) {
    this(baseUri, "", "");
  }

  RegistryReader(String baseUri, String user, String password) {
    this.baseUri = baseUri;
    this.authorization =
        user.isEmpty()
            ? ""
            : "Basic "
                + Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  /** The image as stored: manifest bytes, its digest, and the parsed manifest and config. */
  record Image(byte[] manifestBytes, String digest, JsonNode manifest, JsonNode config) {
    List<String> layerDigests() {
      List<String> digests = new ArrayList<>();
      manifest.path("layers").forEach(layer -> digests.add(layer.path("digest").asText()));
      return digests;
    }

    JsonNode containerConfig() {
      return config.path("config");
    }
  }

  /** A file or directory in a layer. */
  record TarItem(String name, boolean directory, int mode, long uid, long size) {}

  Image image(String repository, String reference) throws IOException, InterruptedException {
    byte[] manifest = get("/v2/" + repository + "/manifests/" + reference, MANIFEST_TYPES);
    JsonNode parsed = json.readTree(manifest);
    JsonNode config =
        json.readTree(blob(repository, parsed.path("config").path("digest").asText()));
    return new Image(manifest, sha256(manifest), parsed, config);
  }

  /** A manifest or a manifest list, as stored. */
  JsonNode index(String repository, String reference) throws IOException, InterruptedException {
    return json.readTree(
        get(
            "/v2/" + repository + "/manifests/" + reference,
            "application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, "
                + MANIFEST_TYPES));
  }

  byte[] blob(String repository, String digest) throws IOException, InterruptedException {
    return get("/v2/" + repository + "/blobs/" + digest, "*/*");
  }

  List<TarItem> layerContents(String repository, String digest)
      throws IOException, InterruptedException {
    List<TarItem> items = new ArrayList<>();
    try (InputStream in = new java.io.ByteArrayInputStream(blob(repository, digest));
        TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(in))) {
      for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
        items.add(
            new TarItem(
                entry.getName(),
                entry.isDirectory(),
                entry.getMode() & 07777,
                entry.getLongUserId(),
                entry.getSize()));
      }
    }
    return items;
  }

  /** Unpacks a layer under {@code root}, as a container runtime would. */
  void extractLayer(String repository, String digest, java.nio.file.Path root)
      throws IOException, InterruptedException {
    try (InputStream in = new java.io.ByteArrayInputStream(blob(repository, digest));
        TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(in))) {
      for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
        java.nio.file.Path target = root.resolve(entry.getName()).normalize();
        if (!target.startsWith(root)) {
          throw new IOException("layer entry escapes the root: " + entry.getName());
        }
        if (entry.isDirectory()) {
          java.nio.file.Files.createDirectories(target);
        } else {
          java.nio.file.Files.createDirectories(target.getParent());
          java.nio.file.Files.copy(tar, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
          // As a container runtime does: the JVM checks a jar's time against its AOT cache.
          java.nio.file.Files.setLastModifiedTime(
              target, java.nio.file.attribute.FileTime.from(entry.getModTime().toInstant()));
        }
      }
    }
  }

  private byte[] get(String path, String accept) throws IOException, InterruptedException {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baseUri + path)).header("Accept", accept);
    if (!authorization.isEmpty()) {
      request.header("Authorization", authorization);
    }
    HttpResponse<byte[]> response =
        client.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    if (response.statusCode() != 200) {
      throw new IOException(
          "GET "
              + path
              + " answered "
              + response.statusCode()
              + ": "
              + new String(response.body(), StandardCharsets.UTF_8));
    }
    return response.body();
  }

  static String sha256(byte[] bytes) {
    try {
      return "sha256:"
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
