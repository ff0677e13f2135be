package gifmachine.cli.aws;

/**
 * S3 for {@code up} (the validation hook's jar) and {@code down}: a bucket must be empty (every
 * version, every delete marker) before its stack can delete it.
 */
public interface BucketGateway {

  /** Stores {@code bytes} at {@code key} unless an object is there already; true if it uploaded. */
  boolean putIfAbsent(String bucket, String key, byte[] bytes);

  /** Deletes every object version and delete marker; returns how many. An absent bucket counts 0. */
  int empty(String bucket);
}
