package gifmachine.cli.term;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CdkOutputTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private CdkOutput.Streams route(boolean verbose) {
    return CdkOutput.route(
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8),
        verbose);
  }

  /** Prints as jsii's runtime does: from its own thread, node's stderr and stdout lines. */
  private static void printFromJsii(CdkOutput.Streams streams) throws InterruptedException {
    Thread sink =
        new Thread(
            () -> {
              streams
                  .err()
                  .println("[WARNING] aws-cdk-lib.aws_ec2.InstanceProps#keyName is deprecated.");
              streams.out().println("console.log from the CDK");
            },
            CdkOutput.JSII_OUTPUT_THREAD);
    sink.start();
    sink.join();
  }

  @Test
  void without_verbose_the_cdks_output_is_hidden_and_ours_is_untouched() throws Exception {
    CdkOutput.Streams streams = route(false);

    printFromJsii(streams);
    streams.out().println("data");
    streams.err().println("Synthesized 5 stacks");

    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("data" + System.lineSeparator());
    assertThat(err.toString(StandardCharsets.UTF_8))
        .isEqualTo("Synthesized 5 stacks" + System.lineSeparator());
  }

  @Test
  void with_verbose_the_cdks_output_goes_to_stderr_never_into_the_data_on_stdout()
      throws Exception {
    CdkOutput.Streams streams = route(true);

    printFromJsii(streams);
    streams.out().println("data");

    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("data" + System.lineSeparator());
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("InstanceProps#keyName is deprecated", "console.log from the CDK");
  }
}
