package gifmachine.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same deployment synthesized in two JVMs gives the same templates, compared as CloudFormation
 * compares them (objects by key, lists in order; {@code up} skips a stack whose template is equal
 * in that sense). A second JVM iterates {@code Map.of} in another order, which reordered container
 * environments and secrets, alarm metrics and buildspecs until the stacks used {@link Ordered}.
 */
class TemplatesAcrossJvmsIT {

  @Test
  void a_deployment_synthesized_in_another_jvm_has_the_same_templates(@TempDir Path elsewhere)
      throws IOException, InterruptedException {
    Process other =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                SynthesizeDefaults.class.getName(),
                elsewhere.toString())
            .redirectErrorStream(true)
            .redirectOutput(elsewhere.resolve("synth.log").toFile())
            .start();
    SynthesizedApp here = Deployments.defaultApp();
    assertThat(other.waitFor(5, TimeUnit.MINUTES)).as("synthesis in another JVM ends").isTrue();
    assertThat(other.exitValue())
        .as("the other JVM's log: %s", Files.readString(elsewhere.resolve("synth.log")))
        .isZero();

    for (SynthesizedStack stack : here.stacks()) {
      JsonNode there =
          Deployments.JSON.readTree(
              Files.readString(elsewhere.resolve(stack.stackName() + ".template.json")));
      assertThat(difference("", Deployments.JSON.readTree(stack.templateBody()), there))
          .as("where %s synthesized in another JVM differs", stack.stackName())
          .isEmpty();
    }
  }

  /**
   * The JSON pointer of the first place {@code there} differs from {@code here}, with both values;
   * empty when equal as CloudFormation compares them (objects by key, arrays in order).
   */
  private static String difference(String pointer, JsonNode here, JsonNode there) {
    if (here.isObject() && there.isObject() && here.size() == there.size()) {
      for (var field : here.properties()) {
        if (!there.has(field.getKey())) {
          break;
        }
        String inner =
            difference(pointer + "/" + field.getKey(), field.getValue(), there.get(field.getKey()));
        if (!inner.isEmpty()) {
          return inner;
        }
      }
    }
    if (here.isArray() && there.isArray() && here.size() == there.size()) {
      for (int i = 0; i < here.size(); i++) {
        String inner = difference(pointer + "/" + i, here.get(i), there.get(i));
        if (!inner.isEmpty()) {
          return inner;
        }
      }
    }
    return here.equals(there) ? "" : pointer + ": " + here + " here, " + there + " there";
  }

  /** Run in the other JVM: the default deployment's templates into the folder given. */
  static final class SynthesizeDefaults {
    public static void main(String[] args) throws IOException {
      TemplateWriter.write(Infrastructure.synthesize(Deployments.defaults()), Path.of(args[0]));
    }
  }
}
