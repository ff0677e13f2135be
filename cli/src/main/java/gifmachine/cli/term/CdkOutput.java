package gifmachine.cli.term;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;

/**
 * Keeps what the CDK's JavaScript side prints away from the user unless {@code --verbose}: the jsii
 * runtime runs the CDK in a {@code node} child process and copies that process's output to {@code
 * System.err} and {@code System.out} from one thread of its own, so node's version banners and the
 * CDK's deprecation warnings ({@code [WARNING] ... is deprecated}) land in front of the user
 * between our progress lines, and anything it prints on stdout would mix into data meant for pipes.
 * Writes from that thread go to {@code --verbose}'s stderr or nowhere; every other thread's output
 * is untouched.
 *
 * <pre>{@code
 * CdkOutput.Streams streams = CdkOutput.route(System.out, System.err, verbose);
 * System.setOut(streams.out());
 * System.setErr(streams.err());
 * }</pre>
 */
public final class CdkOutput {

  /**
   * The thread jsii's Java runtime ({@code software.amazon.jsii.JsiiRuntime}) names after its class
   * {@code ErrorStreamSink} and copies node's output from.
   */
  static final String JSII_OUTPUT_THREAD = "software.amazon.jsii.JsiiRuntime.ErrorStreamSink";

  private CdkOutput() {}

  /** The process's standard streams with the CDK's output routed. */
  public record Streams(PrintStream out, PrintStream err) {}

  /**
   * @param verbose whether the CDK's output is shown (on stderr, also what node wrote to stdout)
   */
  public static Streams route(PrintStream out, PrintStream err, boolean verbose) {
    OutputStream cdk = verbose ? err : OutputStream.nullOutputStream();
    return new Streams(
        new PrintStream(new ByThread(out, cdk), true, out.charset()),
        new PrintStream(new ByThread(err, cdk), true, err.charset()));
  }

  /** Sends the jsii output thread's bytes to {@code cdk}, everyone else's to {@code normal}. */
  private static final class ByThread extends OutputStream {

    private final OutputStream normal;
    private final OutputStream cdk;

    ByThread(OutputStream normal, OutputStream cdk) {
      this.normal = normal;
      this.cdk = cdk;
    }

    private OutputStream target() {
      return JSII_OUTPUT_THREAD.equals(Thread.currentThread().getName()) ? cdk : normal;
    }

    @Override
    public void write(int b) throws IOException {
      target().write(b);
    }

    @Override
    public void write(byte[] bytes, int offset, int length) throws IOException {
      target().write(bytes, offset, length);
    }

    @Override
    public void flush() throws IOException {
      normal.flush();
      cdk.flush();
    }
  }
}
