package gifmachine.cli.image;

import gifmachine.infra.ImageName;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Tells each image's {@link ImageRevision}: from git in a checkout (the last commit that touched
 * the image's own sources, so an image whose sources did not change keeps its digest and its
 * service is not redeployed), or one fixed revision for every image ({@code images push
 * --revision}, for a source tree without {@code .git}).
 *
 * <pre>{@code
 * ImageRevisions revisions = ImageRevisions.git(new ImageSources(Path.of(".")), Clock.systemUTC());
 * revisions.of(ImageName.CSIDECAR).tag(ImagePlatform.ARM64);
 * }</pre>
 */
@FunctionalInterface
public interface ImageRevisions {

  ImageRevision of(ImageName image) throws ImagePublishException;

  /** The same committed revision for every image. */
  static ImageRevisions fixed(String commit) {
    ImageRevision revision = ImageRevision.committed(commit);
    return image -> revision;
  }

  /**
   * From git: {@code git log -1 -- <paths>} for the commit, {@code git status --porcelain --
   * <paths>} for uncommitted changes. Without git (or outside a work tree) every image is an
   * uncommitted {@code unknown} build, pushed under a fresh tag.
   */
  static ImageRevisions git(ImageSources sources, Clock clock) {
    return image -> {
      List<String> paths = sources.sourcePaths(image);
      Path root = sources.repositoryRoot();
      String commit = Git.run(root, List.of("log", "-1", "--format=%H"), paths);
      if (!commit.matches("[0-9a-f]{40}")) {
        return ImageRevision.uncommitted("unknown", clock.instant());
      }
      String changes =
          Git.run(root, List.of("status", "--porcelain", "--untracked-files=normal"), paths);
      return changes.isBlank()
          ? ImageRevision.committed(commit)
          : ImageRevision.uncommitted(commit, clock.instant());
    };
  }

  /** A git command's standard output, or blank when git is missing or fails. */
  final class Git {
    private Git() {}

    static String run(Path root, List<String> command, List<String> paths)
        throws ImagePublishException {
      List<String> arguments = new ArrayList<>(List.of("git", "-C", root.toString()));
      arguments.addAll(command);
      arguments.add("--");
      arguments.addAll(paths);
      try {
        Process git =
            new ProcessBuilder(arguments).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String output =
            new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!git.waitFor(30, TimeUnit.SECONDS)) {
          git.destroyForcibly();
          throw new ImagePublishException(
              "reading the source revision failed: git " + command.getFirst() + " took over 30 s");
        }
        return git.exitValue() == 0 ? output : "";
      } catch (IOException e) {
        return ""; // no git on this machine: the source tree is treated as uncommitted
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new ImagePublishException("reading the source revision was interrupted", e);
      }
    }
  }
}
