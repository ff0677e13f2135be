package gifmachine.cli.aws;

/**
 * S3 for {@code up} (the validation hook's jar, the release history), {@code rollback} (reading
 * that history) and {@code down}: a bucket must be empty (every version, every delete marker)
 * before its stack can delete it.
 */
public interface BucketGateway {

  /** Stores {@code bytes} at {@code key} unless an object is there already; true if it uploaded. */
  boolean putIfAbsent(String bucket, String key, byte[] bytes);

  /** Stores {@code bytes} (JSON) at {@code key}, replacing what is there. */
  void put(String bucket, String key, byte[] bytes);

  /** The keys under {@code prefix}, in S3's order (UTF-8 binary order of the keys). */
  java.util.List<String> keys(String bucket, String prefix);

  /** The object at {@code key}, empty when there is none. */
  java.util.Optional<byte[]> get(String bucket, String key);

  /**
   * Deletes every object version and delete marker; returns how many. An absent bucket counts 0.
   */
  int empty(String bucket);
}
