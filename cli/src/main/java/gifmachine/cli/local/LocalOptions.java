package gifmachine.cli.local;

import gifmachine.infra.ImageName;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What {@code gifmachine-on-aws local} runs with.
 *
 * @param dataDir where PostgreSQL, cDepot's file and Prometheus's data live
 * @param gifmachinePort Gifmachine's port; 0 makes every component take a free port
 * @param prometheus whether to start Prometheus when a {@code prometheus} binary is on the PATH
 * @param prometheusPort Prometheus's port; 0 for a free one
 * @param monitoringDir the repository's {@code monitoring/} directory, for alert rules and
 *     dashboards when it exists
 * @param interval how often sidecars beat and Prometheus scrapes (short, for a lively demo)
 */
public record LocalOptions(
    Path dataDir,
    int gifmachinePort,
    boolean prometheus,
    int prometheusPort,
    Path monitoringDir,
    Duration interval) {

  // The ports the images listen on in AWS: the same on a laptop.
  public static final int CDEPOT_PORT = ImageName.CDEPOT.port();
  public static final int SIDECAR_PORT = ImageName.CSIDECAR.port();
  public static final int PROMETHEUS_PORT = ImageName.PROMETHEUS.port();
  public static final int GRAFANA_PORT = ImageName.GRAFANA.port();

  /** A component's port: its usual one, or any free one when Gifmachine's port is 0. */
  int portFor(int usual) {
    return gifmachinePort == 0 ? 0 : usual;
  }
}
