package gifmachine.cli.image;

/** The three kinds of base image the five images are built on; see {@link BaseImages}. */
public enum BaseImage {
  /** A Java runtime with {@code java} on the {@code PATH}: release: Temurin 21 JRE from ECR Public. */
  JAVA,
  /** The official Prometheus image, {@code prom/prometheus}. */
  PROMETHEUS,
  /** The official Grafana image, {@code grafana/grafana-oss}. */
  GRAFANA
}
