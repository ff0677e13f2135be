package gifmachine.cli.aws;

/** S3 for {@code down}: a bucket must be empty (every version, every delete marker) before its stack can delete it. */
public interface BucketGateway {

  /** Deletes every object version and delete marker; returns how many. An absent bucket counts 0. */
  int empty(String bucket);
}
