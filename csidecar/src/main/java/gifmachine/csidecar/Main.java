package gifmachine.csidecar;

/**
 * Runs cSidecar from environment variables until the process is stopped; see {@link
 * CSidecarConfig#fromEnvironment} for the variables.
 *
 * <pre>{@code
 * CDEPOT_URL=http://127.0.0.1:8002 CSIDECAR_PID=4242 java -jar csidecar-all.jar
 * }</pre>
 */
public final class Main {

  private Main() {}

  public static void main(String[] args) throws Exception {
    CSidecar sidecar;
    try {
      sidecar = CSidecar.start(CSidecarConfig.fromEnvironment(System.getenv()));
    } catch (IllegalArgumentException | java.io.IOException e) {
      System.err.println("csidecar: cannot start: " + e.getMessage());
      System.exit(2);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(sidecar::close, "csidecar-shutdown"));
    Thread.currentThread().join();
  }
}
