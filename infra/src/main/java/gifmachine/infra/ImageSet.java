package gifmachine.infra;

import java.util.Objects;

/**
 * The container images a deployment runs, each a full reference (repository URI plus a
 * {@code @sha256:} digest, or a tag), e.g. {@code
 * 123456789012.dkr.ecr.eu-west-1.amazonaws.com/prod-dundermiff/gifmachine@sha256:ab…}.
 */
public record ImageSet(
    String gifmachine, String csidecar, String cdepot, String prometheus, String grafana) {

  public ImageSet {
    Objects.requireNonNull(gifmachine, "gifmachine");
    Objects.requireNonNull(csidecar, "csidecar");
    Objects.requireNonNull(cdepot, "cdepot");
    Objects.requireNonNull(prometheus, "prometheus");
    Objects.requireNonNull(grafana, "grafana");
  }
}
