package gifmachine.cli.deploy;

import gifmachine.cli.aws.RegistryGateway;
import gifmachine.infra.ImageSet;

/**
 * Builds and pushes the five images to their repositories (the {@code image} engineer's {@code
 * ImagePublisher} in production; a loopback docker-registry in tests).
 */
@FunctionalInterface
public interface ImagePublishing {

  /**
   * @param repositories repository URIs, one per image (no tag or digest)
   * @param login registry credentials from ECR
   * @param arm64 build for Graviton (ARM64) tasks rather than x86-64
   * @return the pushed images as {@code uri@sha256:…} references
   */
  ImageSet publish(
      ImageSet repositories, RegistryGateway.Login login, boolean arm64, ProgressListener progress)
      throws Exception;
}
