package gifmachine.cli.image;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;

/**
 * Which source revision an image is built from, and so the tag it is pushed under. A committed
 * revision names the last commit that touched the image's own sources ({@link
 * ImageSources#sourcePaths}): building it again gives the same digest, so its tag is reused and an
 * image whose tag is already in the registry is not pushed again. Uncommitted sources (a dirty
 * checkout, or no git at all) get a tag with the build time in it: ECR repositories have immutable
 * tags, and a second push of the same tag with other content would be refused.
 *
 * <pre>{@code
 * ImageRevision.committed("3f2a9c1b7d0e…").tag(ImagePlatform.ARM64);   // 3f2a9c1b7d0e-arm64
 * ImageRevision.uncommitted("3f2a9c1b7d0e…", now).tag(ImagePlatform.ARM64);
 * // 3f2a9c1b7d0e-dirty-20261201T224500Z-arm64
 * }</pre>
 *
 * @param commit the full commit id, or {@code unknown} without git
 * @param localBuild blank for a committed revision; else {@code dirty-<UTC time>}
 */
public record ImageRevision(String commit, String localBuild) {

  private static final DateTimeFormatter STAMP =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

  /** ECR (and the Registry API) accept tags of at most 128 characters from this alphabet. */
  private static final String TAG_CHARACTERS = "[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}";

  public ImageRevision {
    Objects.requireNonNull(localBuild, "localBuild");
    if (commit == null || commit.isBlank() || !commit.matches("[A-Za-z0-9_.-]+")) {
      throw new IllegalArgumentException(
          "not a revision: '" + commit + "' (letters, digits, . _ - only)");
    }
  }

  public static ImageRevision committed(String commit) {
    return new ImageRevision(commit, "");
  }

  public static ImageRevision uncommitted(String commit, Instant builtAt) {
    return new ImageRevision(commit, "dirty-" + STAMP.format(builtAt));
  }

  /** Whether the same tag always means the same content, so an existing tag can be reused. */
  public boolean reusable() {
    return localBuild.isEmpty();
  }

  /**
   * The {@code org.opencontainers.image.revision} label. A dirty build is labelled without its
   * time, so two builds of the same uncommitted content still give one digest.
   */
  public String label() {
    return reusable() ? commit : commit + "-dirty";
  }

  /** The tag to push under: the short commit, the build time when uncommitted, the architecture. */
  public String tag(ImagePlatform platform) {
    String tag =
        commit.substring(0, Math.min(12, commit.length()))
            + (reusable() ? "" : "-" + localBuild)
            + "-"
            + platform.architecture();
    if (!tag.matches(TAG_CHARACTERS)) {
      throw new IllegalStateException("not a valid image tag: " + tag);
    }
    return tag;
  }
}
