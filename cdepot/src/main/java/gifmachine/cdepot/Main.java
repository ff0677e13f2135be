package gifmachine.cdepot;

/**
 * Runs cDepot from environment variables ({@code CDEPOT_PORT}, {@code CDEPOT_TTL_SECONDS}, {@code
 * CDEPOT_FILE_SD_PATH}, {@code CDEPOT_MAX_TARGETS}) until the process is stopped.
 *
 * <pre>{@code
 * CDEPOT_FILE_SD_PATH=/tmp/targets.json java -jar cdepot-all.jar
 * }</pre>
 */
public final class Main {

  private Main() {}

  public static void main(String[] args) throws Exception {
    CDepotConfig config;
    try {
      config = CDepotConfig.fromEnvironment(System.getenv());
    } catch (IllegalArgumentException e) {
      System.err.println("cdepot: bad configuration: " + e.getMessage());
      System.exit(2);
      return;
    }
    CDepot depot = CDepot.start(config);
    Runtime.getRuntime().addShutdownHook(new Thread(depot::close, "cdepot-shutdown"));
    Thread.currentThread().join();
  }
}
