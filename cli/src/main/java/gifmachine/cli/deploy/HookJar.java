package gifmachine.cli.deploy;

import gifmachine.hook.ValidationHook;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The validation hook's Lambda code: the {@code gifmachine/hook/} classes this CLI carries (module
 * {@code hook/}), written into a jar with fixed entry times and order, so the same classes always
 * give the same bytes and the same content-hash key: an unchanged hook changes no stack.
 *
 * <pre>{@code
 * HookJar jar = HookJar.fromClasspath();
 * buckets.put(artifactsBucket, jar.key(), jar.bytes());
 * }</pre>
 */
public record HookJar(byte[] bytes, String key) {
  private static final String PACKAGE = "gifmachine/hook/";

  /** 1980-01-01, the earliest time a zip entry can carry. */
  private static final long FIXED_TIME = 315532800000L;

  /** From the classes next to {@link ValidationHook}: a directory in builds, the CLI's fat jar. */
  public static HookJar fromClasspath() {
    try {
      Path source =
          Path.of(ValidationHook.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return of(Files.isDirectory(source) ? fromDirectory(source) : fromJar(source));
    } catch (IOException e) {
      throw new UncheckedIOException("reading the validation hook's classes", e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException("the validation hook's classes have no file location", e);
    }
  }

  /** A jar of {@code classes} (path in the jar to bytes), keyed by its SHA-256. */
  static HookJar of(Map<String, byte[]> classes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(out)) {
      for (Map.Entry<String, byte[]> entry : new TreeMap<>(classes).entrySet()) {
        ZipEntry zipEntry = new ZipEntry(entry.getKey());
        zipEntry.setTime(FIXED_TIME);
        zip.putNextEntry(zipEntry);
        zip.write(entry.getValue());
        zip.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] bytes = out.toByteArray();
    return new HookJar(bytes, "hook/" + sha256(bytes) + ".jar");
  }

  private static Map<String, byte[]> fromDirectory(Path classes) throws IOException {
    Map<String, byte[]> found = new TreeMap<>();
    Path root = classes.resolve(PACKAGE);
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        found.put(
            PACKAGE + root.relativize(file).toString().replace('\\', '/'),
            Files.readAllBytes(file));
      }
    }
    return found;
  }

  private static Map<String, byte[]> fromJar(Path jar) throws IOException {
    Map<String, byte[]> found = new TreeMap<>();
    try (JarFile file = new JarFile(jar.toFile())) {
      var entries = file.entries();
      while (entries.hasMoreElements()) {
        var entry = entries.nextElement();
        if (entry.getName().startsWith(PACKAGE) && !entry.isDirectory()) {
          try (InputStream in = file.getInputStream(entry)) {
            found.put(entry.getName(), in.readAllBytes());
          }
        }
      }
    }
    return found;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
