package gifmachine.cli.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import gifmachine.cli.aws.BucketGateway;
import gifmachine.infra.ImageName;
import gifmachine.infra.ImageSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The releases {@code up} and {@code rollback} deployed, one small JSON object per release in the
 * registry stack's artifacts bucket under {@code releases/} (key: a sequence number, then the UTC
 * release time, so S3's key order is release order). It is what {@code rollback} goes back along:
 * the images of each release (digests), when, from which source, and which images it replaced.
 *
 * <p>Why S3 and not the ECS service's revisions: the artifacts bucket already exists, is versioned
 * and encrypted, outlives task-definition deregistration, and a record names all five images (the
 * monitoring task's too), which no single task definition does. Current objects never expire (the
 * bucket's lifecycle rule expires only noncurrent versions).
 *
 * <pre>{@code
 * ReleaseHistory history = new ReleaseHistory(aws.buckets(), bucket);
 * history.record(new ReleaseHistory.Release(images, now, "commit 1a2b3c4", before, false));
 * Optional<Release> back = ReleaseHistory.previous(history.releases(), running);
 * }</pre>
 */
public final class ReleaseHistory {

  /** Where the records live in the bucket. */
  public static final String PREFIX = "releases/";

  /** Records read per {@link #releases()}: far more than the ECR lifecycle keeps images for. */
  static final int READ_AT_MOST = 50;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter KEY_TIME =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

  /**
   * One release.
   *
   * @param images the five images deployed, {@code uri@sha256:…}
   * @param releasedAt when its deployment finished
   * @param source where it came from, e.g. {@code commit 1a2b3c4}, or blank when unknown
   * @param replaced the images that ran before it (blank parts when nothing ran)
   * @param rollback whether {@code rollback} deployed it, going back from {@code replaced}
   */
  public record Release(
      ImageSet images, Instant releasedAt, String source, ImageSet replaced, boolean rollback) {}

  private final BucketGateway buckets;
  private final String bucket;

  public ReleaseHistory(BucketGateway buckets, String bucket) {
    this.buckets = buckets;
    this.bucket = bucket;
  }

  /** Where the history lives, for messages. */
  public String location() {
    return "s3://" + bucket + "/" + PREFIX;
  }

  /**
   * Writes one record, under the next sequence number: the order of writing is the order of
   * releases, whatever the clocks of the machines that ran {@code up} (a laptop, CodeBuild) say.
   */
  public void record(Release release) {
    long next = buckets.keys(bucket, PREFIX).stream().filter(k -> k.endsWith(".json")).count() + 1;
    buckets.put(
        bucket,
        PREFIX
            + String.format("%08d", next)
            + "-"
            + KEY_TIME.format(release.releasedAt())
            + ".json",
        toJson(release));
  }

  /** The newest {@value #READ_AT_MOST} releases, oldest first. */
  public List<Release> releases() {
    List<String> keys =
        new ArrayList<>(
            buckets.keys(bucket, PREFIX).stream()
                .filter(k -> k.endsWith(".json"))
                .sorted()
                .toList());
    List<Release> releases = new ArrayList<>();
    for (String key : keys.subList(Math.max(0, keys.size() - READ_AT_MOST), keys.size())) {
      buckets.get(bucket, key).flatMap(ReleaseHistory::fromJson).ifPresent(releases::add);
    }
    return releases;
  }

  /** The newest release, if any: one listing and one read, whatever the length of the history. */
  public Optional<Release> latest() {
    return buckets.keys(bucket, PREFIX).stream()
        .filter(k -> k.endsWith(".json"))
        .max(String::compareTo)
        .flatMap(key -> buckets.get(bucket, key))
        .flatMap(ReleaseHistory::fromJson);
  }

  /**
   * The release to go back to from what runs now: the newest release before the newest one that
   * matches {@code running}, whose images differ from it, and that no later rollback went back from
   * (a release rolled back once is not returned to by the next rollback). When no release matches
   * what runs (an {@code up} interrupted before it recorded, say), the newest release that differs.
   * Repeated rollbacks therefore walk back in time, never forth.
   *
   * @param running the images the deployed stacks run; blank parts (a part switched off) match
   *     anything
   */
  public static Optional<Release> previous(List<Release> oldestFirst, ImageSet running) {
    int current = oldestFirst.size();
    for (int i = oldestFirst.size() - 1; i >= 0; i--) {
      if (matches(oldestFirst.get(i).images(), running)) {
        current = i;
        break;
      }
    }
    Set<ImageSet> rolledBackFrom = new HashSet<>();
    for (int i = oldestFirst.size() - 1; i >= 0; i--) {
      Release release = oldestFirst.get(i);
      if (i < current
          && !matches(release.images(), running)
          && !rolledBackFrom.contains(release.images())) {
        return Optional.of(release);
      }
      if (release.rollback()) {
        rolledBackFrom.add(release.replaced());
      }
    }
    return Optional.empty();
  }

  /**
   * Whether {@code images} run as {@code running} says, ignoring parts {@code running} leaves
   * blank.
   */
  public static boolean matches(ImageSet images, ImageSet running) {
    for (ImageName image : ImageName.values()) {
      if (!part(running.get(image), images.get(image))) {
        return false;
      }
    }
    return true;
  }

  private static boolean part(String running, String image) {
    return running.isBlank() || running.equals(image);
  }

  private static byte[] toJson(Release release) {
    ObjectNode node = JSON.createObjectNode();
    node.set("images", images(release.images()));
    node.put("releasedAt", release.releasedAt().toString());
    node.put("source", release.source());
    node.set("replaced", images(release.replaced()));
    node.put("rollback", release.rollback());
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ObjectNode images(ImageSet images) {
    ObjectNode node = JSON.createObjectNode();
    for (ImageName image : ImageName.values()) {
      node.put(image.repositoryName(), images.get(image));
    }
    return node;
  }

  /** A record we cannot read (written by hand, cut short) is skipped, not fatal. */
  static Optional<Release> fromJson(byte[] bytes) {
    try {
      JsonNode node = JSON.readTree(new String(bytes, StandardCharsets.UTF_8));
      return Optional.of(
          new Release(
              images(node.path("images")),
              Instant.parse(node.path("releasedAt").asText()),
              node.path("source").asText(""),
              images(node.path("replaced")),
              node.path("rollback").asBoolean(false)));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private static ImageSet images(JsonNode node) {
    return ImageSet.of(image -> node.path(image.repositoryName()).asText(""));
  }

  /** Nothing ran before. */
  public static ImageSet none() {
    return ImageSet.of(image -> "");
  }
}
