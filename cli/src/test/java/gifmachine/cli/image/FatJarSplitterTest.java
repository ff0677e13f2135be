package gifmachine.cli.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Collections;
import java.util.List;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FatJarSplitterTest {

  @TempDir Path directory;

  private Path jar(String name, String mainClass, String... entries) throws IOException {
    Path jar = directory.resolve(name);
    try (OutputStream file = Files.newOutputStream(jar);
        ZipOutputStream out = new ZipOutputStream(file)) {
      if (!mainClass.isEmpty()) {
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, mainClass);
        out.putNextEntry(new ZipEntry(JarFile.MANIFEST_NAME));
        manifest.write(out);
        out.closeEntry();
      }
      for (String entry : entries) {
        out.putNextEntry(new ZipEntry(entry));
        out.write(entry.getBytes());
        out.closeEntry();
      }
    }
    return jar;
  }

  private static List<String> names(Path jar) throws IOException {
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      return Collections.list(zip.entries()).stream().map(ZipEntry::getName).toList();
    }
  }

  private FatJarSplitter.SplitJars split(ImagePlatform platform) throws IOException {
    Path fat =
        jar(
            "app-all.jar",
            "gifmachine.app.Main",
            "gifmachine/app/Main.class",
            "db/migration/V1__gifs.sql",
            "io/javalin/Javalin.class",
            "META-INF/versions/21/com/fasterxml/X.class",
            "postgres-linux-x86_64.txz",
            "postgres-darwin-x86_64.txz",
            "postgres-windows-x86_64.txz",
            "postgres-linux-x86_64-alpine_linux.txz");
    Path thin = jar("app.jar", "", "gifmachine/app/Main.class", "db/migration/V1__gifs.sql");
    return FatJarSplitter.split(fat, thin, "app", platform, directory.resolve("out"));
  }

  @Test
  void the_module_entries_go_to_the_application_jar_and_the_rest_to_the_dependencies_jar()
      throws Exception {
    FatJarSplitter.SplitJars jars = split(ImagePlatform.AMD64);

    assertThat(names(jars.application()))
        .startsWith("META-INF/", "META-INF/MANIFEST.MF")
        .contains("db/", "db/migration/", "db/migration/V1__gifs.sql", "gifmachine/app/Main.class")
        .doesNotContain("io/javalin/Javalin.class");
    assertThat(names(jars.dependencies()))
        .contains(
            "io/javalin/Javalin.class",
            "META-INF/versions/21/com/fasterxml/X.class",
            "postgres-linux-x86_64.txz")
        .doesNotContain(
            "gifmachine/app/Main.class",
            "postgres-darwin-x86_64.txz",
            "postgres-windows-x86_64.txz",
            "postgres-linux-x86_64-alpine_linux.txz");
    try (JarFile app = new JarFile(jars.application().toFile())) {
      Attributes main = app.getManifest().getMainAttributes();
      assertThat(main.getValue(Attributes.Name.MAIN_CLASS)).isEqualTo("gifmachine.app.Main");
      assertThat(main.getValue(Attributes.Name.CLASS_PATH)).isEqualTo("lib/app-dependencies.jar");
      assertThat(main.getValue(Attributes.Name.MULTI_RELEASE)).isEqualTo("true");
    }
    assertThat(jars.dependencies()).isEqualTo(directory.resolve("out/lib/app-dependencies.jar"));
  }

  @Test
  void an_arm64_split_keeps_no_x86_database_binary() throws Exception {
    assertThat(names(split(ImagePlatform.ARM64).dependencies()))
        .noneMatch(name -> name.endsWith(".txz"));
  }

  @Test
  void splitting_the_same_jars_again_leaves_the_files_untouched() throws Exception {
    FatJarSplitter.SplitJars first = split(ImagePlatform.AMD64);
    byte[] bytes = Files.readAllBytes(first.dependencies());
    FileTime old = FileTime.fromMillis(1_000_000_000_000L);
    Files.setLastModifiedTime(first.dependencies(), old);
    Files.setLastModifiedTime(first.application(), old);
    Files.delete(directory.resolve("app-all.jar"));
    Files.delete(directory.resolve("app.jar"));
    Files.delete(directory.resolve("out/.split-inputs")); // force a real second split

    FatJarSplitter.SplitJars second = split(ImagePlatform.AMD64);

    assertThat(Files.readAllBytes(second.dependencies())).isEqualTo(bytes);
    assertThat(Files.getLastModifiedTime(second.dependencies())).isEqualTo(old);
    assertThat(Files.getLastModifiedTime(second.application())).isEqualTo(old);
  }

  @Test
  void a_fat_jar_without_a_main_class_is_refused() throws Exception {
    Path fat = jar("lib-all.jar", "", "a/B.class");
    Path thin = jar("lib.jar", "", "a/B.class");

    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                FatJarSplitter.split(
                    fat, thin, "lib", ImagePlatform.AMD64, directory.resolve("out")))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("has no Main-Class");
  }

  @Test
  void unchanged_inputs_are_not_read_again_and_changed_ones_are() throws Exception {
    FatJarSplitter.SplitJars first = split(ImagePlatform.AMD64);
    Path fat = directory.resolve("app-all.jar");
    Files.writeString(first.application(), "left alone when the inputs did not change");

    FatJarSplitter.split(
        fat, directory.resolve("app.jar"), "app", ImagePlatform.AMD64, directory.resolve("out"));
    assertThat(Files.readString(first.application()))
        .isEqualTo("left alone when the inputs did not change");

    Files.setLastModifiedTime(
        fat, FileTime.fromMillis(Files.getLastModifiedTime(fat).toMillis() + 5_000));
    FatJarSplitter.split(
        fat, directory.resolve("app.jar"), "app", ImagePlatform.AMD64, directory.resolve("out"));
    assertThat(names(first.application())).contains("gifmachine/app/Main.class");
  }
}
