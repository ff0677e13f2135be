package gifmachine.cli.image;

import com.google.cloud.tools.jib.api.buildplan.Platform;
import java.util.Locale;
import java.util.Optional;

/**
 * The CPU architecture an image is built for. It must match the tasks that run it: a Graviton
 * deployment ({@code DeploymentConfig.graviton()}, the default) runs {@code linux/arm64}. Jib picks
 * that platform's manifest out of a multi-architecture base image.
 */
public enum ImagePlatform {
  AMD64("amd64"),
  ARM64("arm64");

  private final String architecture;

  ImagePlatform(String architecture) {
    this.architecture = architecture;
  }

  public String architecture() {
    return architecture;
  }

  /** {@code linux/arm64} or {@code linux/amd64}. */
  public String label() {
    return "linux/" + architecture;
  }

  Platform toJib() {
    return new Platform(architecture, "linux");
  }

  /** The platform of a deployment: Graviton tasks are ARM64. */
  public static ImagePlatform forDeployment(boolean graviton) {
    return graviton ? ARM64 : AMD64;
  }

  /** Parses {@code arm64}, {@code linux/arm64}, {@code aarch64}, {@code amd64}, {@code x86_64}. */
  public static Optional<ImagePlatform> parse(String text) {
    String value = text.trim().toLowerCase(Locale.ROOT);
    if (value.startsWith("linux/")) {
      value = value.substring("linux/".length());
    }
    return switch (value) {
      case "arm64", "aarch64" -> Optional.of(ARM64);
      case "amd64", "x86_64" -> Optional.of(AMD64);
      default -> Optional.empty();
    };
  }
}
