package gifmachine.cli.command;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * Checks a directory the user named ({@code local --data-dir}, {@code synth --out}) before any slow
 * work starts, so a bad path is a one-line message instead of an exception after a minute.
 */
final class WritableDirectory {

  private WritableDirectory() {}

  /**
   * Why {@code dir} cannot be written to, or an empty string when it can. It really creates the
   * directory and a file in it: permission bits alone say nothing when running as root, and {@code
   * /proc} or {@code /sys} refuse new entries whatever the bits say.
   */
  static String problem(Path dir) {
    try {
      Files.createDirectories(dir);
      Path probe = Files.createTempFile(dir, ".probe", ".tmp");
      Files.delete(probe);
      return "";
    } catch (FileAlreadyExistsException e) {
      return e.getFile() + " exists and is not a directory";
    } catch (FileSystemException e) {
      String reason =
          e.getReason() != null
              ? e.getReason()
              : switch (e) {
                case NoSuchFileException n -> "No such file or directory";
                case AccessDeniedException a -> "Permission denied";
                case NotDirectoryException n -> "Not a directory";
                default -> "cannot create it";
              };
      return e.getFile() == null || Path.of(e.getFile()).equals(dir)
          ? reason
          : e.getFile() + ": " + reason;
    } catch (IOException e) {
      return e.getMessage() == null ? "cannot create it" : e.getMessage();
    }
  }
}
