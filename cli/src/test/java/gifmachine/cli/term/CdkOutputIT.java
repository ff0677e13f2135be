package gifmachine.cli.term;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import software.amazon.awscdk.App;

/** The routing depends on the name of jsii's output thread: checked against the real runtime. */
class CdkOutputIT {

  @Test
  void the_jsii_runtime_copies_nodes_output_from_the_thread_cdk_output_routes() {
    new App(); // the first jsii call starts the node process and its output thread

    assertThat(Thread.getAllStackTraces().keySet())
        .extracting(Thread::getName)
        .contains(CdkOutput.JSII_OUTPUT_THREAD);
  }
}
