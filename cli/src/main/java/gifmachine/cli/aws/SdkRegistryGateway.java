package gifmachine.cli.aws;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecr.model.AuthorizationData;
import software.amazon.awssdk.services.ecr.model.ImageIdentifier;
import software.amazon.awssdk.services.ecr.model.RepositoryNotFoundException;

/** {@link RegistryGateway} on ECR. */
public final class SdkRegistryGateway implements RegistryGateway {

  private final EcrClient client;

  public SdkRegistryGateway(EcrClient client) {
    this.client = client;
  }

  @Override
  public Login login() {
    AuthorizationData data =
        AwsErrors.call(
            "ECR.GetAuthorizationToken",
            () -> client.getAuthorizationToken().authorizationData().getFirst());
    String decoded =
        new String(Base64.getDecoder().decode(data.authorizationToken()), StandardCharsets.UTF_8);
    int colon = decoded.indexOf(':');
    return new Login(
        decoded.substring(0, colon), decoded.substring(colon + 1), data.proxyEndpoint());
  }

  @Override
  public boolean imageExists(String repositoryName, String digest) {
    try {
      return !client
          .describeImages(
              r -> r.repositoryName(repositoryName).imageIds(i -> i.imageDigest(digest)))
          .imageDetails()
          .isEmpty();
    } catch (software.amazon.awssdk.services.ecr.model.ImageNotFoundException e) {
      return false;
    } catch (software.amazon.awssdk.core.exception.SdkException e) {
      throw AwsErrors.translate("ECR.DescribeImages", e);
    }
  }

  @Override
  public int deleteAllImages(String repositoryName) {
    try {
      List<ImageIdentifier> ids = new ArrayList<>();
      client
          .listImagesPaginator(r -> r.repositoryName(repositoryName))
          .forEach(page -> ids.addAll(page.imageIds()));
      for (int i = 0; i < ids.size(); i += 100) {
        List<ImageIdentifier> batch = ids.subList(i, Math.min(ids.size(), i + 100));
        client.batchDeleteImage(r -> r.repositoryName(repositoryName).imageIds(batch));
      }
      return ids.size();
    } catch (RepositoryNotFoundException e) {
      return 0;
    } catch (software.amazon.awssdk.core.exception.SdkException e) {
      throw AwsErrors.translate("ECR.BatchDeleteImage", e);
    }
  }
}
