package gifmachine.cli.release;

import gifmachine.cli.deploy.DeploymentException;
import gifmachine.cli.deploy.DeploymentException.Exit;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline's {@code source.zip}: the committed tree of a git working copy, written by {@code
 * git archive}, which keeps each file's Unix mode in the zip's external attributes, so {@code
 * ./mvnw} is still executable when CodeBuild unpacks it (a zip written by java.util.zip loses it).
 * Uncommitted changes are refused unless allowed; then they are archived through {@code git stash
 * create}, which records the working tree as a commit object without touching it or the stash.
 * Untracked files are never included.
 *
 * <pre>{@code
 * SourceArchive.Archive archive = SourceArchive.create(Path.of("."), false, Path.of("source.zip"));
 * }</pre>
 */
public final class SourceArchive {
  private static final int LISTED_CHANGES = 5;

  private SourceArchive() {}

  /**
   * What was archived.
   *
   * @param zip the archive
   * @param commit the commit it was made from ({@code HEAD})
   * @param uncommitted changed tracked files included because dirty archives were allowed
   */
  public record Archive(Path zip, String commit, List<String> uncommitted) {}

  /**
   * Archives the working copy that {@code directory} is in (at its top, wherever in it {@code
   * directory} is) into {@code zip}.
   *
   * @throws DeploymentException exit 2 when it is not a git working copy or has uncommitted changes
   *     and {@code allowDirty} is false
   */
  public static Archive create(Path directory, boolean allowDirty, Path zip) {
    // From a subdirectory, git archive writes that subdirectory only: archive the whole tree.
    Path workTree = Path.of(git(directory, "rev-parse", "--show-toplevel").strip());
    String commit = git(workTree, "rev-parse", "HEAD").strip();
    List<String> changes = new ArrayList<>();
    for (String line : git(workTree, "status", "--porcelain", "--untracked-files=no").split("\n")) {
      if (!line.isBlank()) {
        changes.add(line.substring(3).strip());
      }
    }
    String treeish = commit;
    if (!changes.isEmpty()) {
      if (!allowDirty) {
        throw new DeploymentException(
            Exit.CONFIG,
            "release: the working copy has uncommitted changes: " + summary(changes),
            "commit them and release again, or run `release --allow-dirty` to include them");
      }
      String stash = git(workTree, "stash", "create").strip();
      treeish = stash.isEmpty() ? commit : stash;
    }
    git(workTree, "archive", "--format=zip", "-o", zip.toAbsolutePath().toString(), treeish);
    return new Archive(zip, commit, changes.isEmpty() ? List.of() : List.copyOf(changes));
  }

  private static String summary(List<String> changes) {
    String listed = String.join(", ", changes.subList(0, Math.min(LISTED_CHANGES, changes.size())));
    return changes.size() > LISTED_CHANGES
        ? listed + " and " + (changes.size() - LISTED_CHANGES) + " more"
        : listed;
  }

  private static String git(Path workTree, String... args) {
    List<String> command = new ArrayList<>(List.of("git", "-C", workTree.toString()));
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw failed(args, "git did not finish within 60 s");
      }
      if (process.exitValue() != 0) {
        throw failed(args, output.strip());
      }
      return output;
    } catch (IOException e) {
      throw failed(args, "git could not be run: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new DeploymentException(Exit.INTERRUPTED, "release: interrupted", "run it again");
    }
  }

  private static DeploymentException failed(String[] args, String why) {
    return new DeploymentException(
        Exit.CONFIG,
        "release: git " + args[0] + " failed: " + why,
        "run release from a git working copy of gifmachine-on-aws (git must be installed)");
  }
}
