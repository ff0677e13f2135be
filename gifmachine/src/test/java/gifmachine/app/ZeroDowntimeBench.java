package gifmachine.app;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Before and after draining, interleaved in one run: the {@link ZeroDowntimeScenario} (without the
 * browser) against two runnable jars, one round each per turn. See {@code bench/drain}.
 *
 * <pre>{@code
 * java -cp <gifmachine test classpath> gifmachine.app.ZeroDowntimeBench before.jar after.jar 3
 * }</pre>
 */
public final class ZeroDowntimeBench {
  private ZeroDowntimeBench() {}

  public static void main(String[] args) throws Exception {
    Path before = Path.of(args[0]);
    Path after = Path.of(args[1]);
    int rounds = Integer.parseInt(args[2]);
    for (int round = 1; round <= rounds; round++) {
      for (Path jar : new Path[] {before, after}) {
        String name = jar.equals(before) ? "before" : "after";
        ZeroDowntimeScenario.Result result;
        try {
          result =
              new ZeroDowntimeScenario(
                      env -> AppProcess.startJar(jar, env),
                      Duration.ofSeconds(3),
                      false,
                      Path.of("target", "zero-downtime-bench", name + "-" + round))
                  .run();
        } catch (Exception | AssertionError e) {
          System.out.printf("%s round %d: the scenario broke off: %s%n", name, round, e);
          continue;
        }
        System.out.printf(
            "%s round %d: GETs %d ok %d failed; POSTs %d ok %d failed; acknowledged but missing"
                + " %d; kiosks on A %d: %d closed with a frame %s, %d cut; all got the next gif:"
                + " %s; SIGTERM to exit %d ms%n",
            name,
            round,
            result.getsOk(),
            result.getsFailed(),
            result.postsOk(),
            result.postsFailed(),
            result.acknowledgedMissing(),
            result.kiosksOnA(),
            result.kiosksClosedWithFrame(),
            result.closeCodes(),
            result.kiosksCutWithoutFrame(),
            result.kiosksWithNextGif() == result.kiosksTotal(),
            result.sigtermToExit().toMillis());
      }
    }
    System.exit(0);
  }
}
