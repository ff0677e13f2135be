package gifmachine.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.junit.jupiter.api.Test;

class HookJarTest {

  @Test
  void the_hook_jar_holds_the_hook_classes_and_is_keyed_by_its_content_hash() throws Exception {
    HookJar jar = HookJar.fromClasspath();

    List<String> names = new ArrayList<>();
    try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(jar.bytes()))) {
      for (ZipEntry entry; (entry = zip.getNextEntry()) != null; ) {
        names.add(entry.getName());
      }
    }
    assertThat(names)
        .contains("gifmachine/hook/ValidationHook.class", "gifmachine/hook/GreenChecks.class")
        .allMatch(name -> name.startsWith("gifmachine/hook/"));
    assertThat(jar.key()).matches("hook/[0-9a-f]{64}\\.jar");
  }

  @Test
  void the_same_classes_give_the_same_bytes_and_key_so_an_unchanged_hook_changes_no_stack() {
    assertThat(HookJar.fromClasspath().key()).isEqualTo(HookJar.fromClasspath().key());
    Map<String, byte[]> classes =
        Map.of(
            "gifmachine/hook/A.class",
            new byte[] {1, 2},
            "gifmachine/hook/B.class",
            new byte[] {3});
    assertThat(HookJar.of(classes).bytes()).isEqualTo(HookJar.of(classes).bytes());
    assertThat(HookJar.of(Map.of("gifmachine/hook/A.class", new byte[] {1, 3})).key())
        .isNotEqualTo(HookJar.of(Map.of("gifmachine/hook/A.class", new byte[] {1, 2})).key());
  }
}
