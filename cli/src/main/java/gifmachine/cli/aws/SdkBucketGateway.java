package gifmachine.cli.aws;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;

/** {@link BucketGateway} on S3. */
public final class SdkBucketGateway implements BucketGateway {

  private final S3Client client;

  public SdkBucketGateway(S3Client client) {
    this.client = client;
  }

  @Override
  public boolean putIfAbsent(String bucket, String key, byte[] bytes) {
    try {
      try {
        client.headObject(r -> r.bucket(bucket).key(key));
        return false;
      } catch (NoSuchKeyException e) {
        // not there yet
      } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
        if (e.statusCode() != 404) {
          throw AwsErrors.translate("S3.HeadObject", e);
        }
      }
      client.putObject(
          r -> r.bucket(bucket).key(key).contentType("application/java-archive"),
          RequestBody.fromBytes(bytes));
      return true;
    } catch (software.amazon.awssdk.core.exception.SdkException e) {
      throw AwsErrors.translate("S3.PutObject", e);
    }
  }

  @Override
  public void put(String bucket, String key, byte[] bytes) {
    AwsErrors.run(
        "S3.PutObject",
        () ->
            client.putObject(
                r -> r.bucket(bucket).key(key).contentType("application/json"),
                RequestBody.fromBytes(bytes)));
  }

  @Override
  public List<String> keys(String bucket, String prefix) {
    return AwsErrors.call(
        "S3.ListObjectsV2",
        () ->
            client.listObjectsV2Paginator(r -> r.bucket(bucket).prefix(prefix)).contents().stream()
                .map(software.amazon.awssdk.services.s3.model.S3Object::key)
                .toList());
  }

  @Override
  public java.util.Optional<byte[]> get(String bucket, String key) {
    try {
      return java.util.Optional.of(
          client.getObjectAsBytes(r -> r.bucket(bucket).key(key)).asByteArray());
    } catch (NoSuchKeyException e) {
      return java.util.Optional.empty();
    } catch (software.amazon.awssdk.core.exception.SdkException e) {
      throw AwsErrors.translate("S3.GetObject", e);
    }
  }

  @Override
  public int empty(String bucket) {
    try {
      List<ObjectIdentifier> ids = new ArrayList<>();
      client
          .listObjectVersionsPaginator(r -> r.bucket(bucket))
          .forEach(
              page -> {
                page.versions()
                    .forEach(
                        v ->
                            ids.add(
                                ObjectIdentifier.builder()
                                    .key(v.key())
                                    .versionId(v.versionId())
                                    .build()));
                page.deleteMarkers()
                    .forEach(
                        m ->
                            ids.add(
                                ObjectIdentifier.builder()
                                    .key(m.key())
                                    .versionId(m.versionId())
                                    .build()));
              });
      for (int i = 0; i < ids.size(); i += 1000) {
        List<ObjectIdentifier> batch = ids.subList(i, Math.min(ids.size(), i + 1000));
        client.deleteObjects(r -> r.bucket(bucket).delete(d -> d.objects(batch).quiet(true)));
      }
      return ids.size();
    } catch (NoSuchBucketException e) {
      return 0;
    } catch (software.amazon.awssdk.core.exception.SdkException e) {
      AwsCallException failure = AwsErrors.translate("S3.DeleteObjects", e);
      if (failure.kind() == AwsCallException.Kind.NOT_FOUND) {
        return 0;
      }
      throw failure;
    }
  }
}
