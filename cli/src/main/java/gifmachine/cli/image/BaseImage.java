package gifmachine.cli.image;

import gifmachine.infra.ImageName;

/** The three kinds of base image the five images are built on; see {@link BaseImages}. */
public enum BaseImage {
  /**
   * A Java runtime with {@code java} on the {@code PATH}: release: Temurin 25 JRE from ECR Public.
   */
  JAVA,
  /** The official Prometheus image, {@code prom/prometheus}. */
  PROMETHEUS,
  /** The official Grafana image, {@code grafana/grafana-oss}. */
  GRAFANA;

  /** What {@code image} is built on: our three Java services on Java, the others on their own. */
  public static BaseImage of(ImageName image) {
    return switch (image) {
      case GIFMACHINE, CSIDECAR, CDEPOT -> JAVA;
      case PROMETHEUS -> PROMETHEUS;
      case GRAFANA -> GRAFANA;
    };
  }
}
