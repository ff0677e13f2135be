package gifmachine.cli.term;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/**
 * Whether standard error is a terminal, which decides between redrawn progress and plain lines.
 * {@code System.console()} answers for standard input and output together, so {@code up 2>file} on
 * a terminal would write ANSI redraws into the file; on Linux the kernel says where file descriptor
 * 2 goes ({@code /proc/self/fd/2}, a link to {@code /dev/pts/N} for a terminal, to a file or {@code
 * pipe:[…]} otherwise). Elsewhere the console is the best the JDK offers.
 *
 * <pre>{@code
 * boolean redraw = StandardError.isTerminal();
 * }</pre>
 */
public final class StandardError {

  private static final Path LINUX_FD_2 = Path.of("/proc/self/fd/2");

  private StandardError() {}

  /** Whether this process's standard error is a terminal. */
  public static boolean isTerminal() {
    return isTerminal(LINUX_FD_2, () -> System.console() != null);
  }

  /**
   * @param descriptorLink the {@code /proc} link of the descriptor
   * @param fallback asked when the link cannot be read (no {@code /proc}: macOS, Windows)
   */
  static boolean isTerminal(Path descriptorLink, BooleanSupplier fallback) {
    String target;
    try {
      target = Files.readSymbolicLink(descriptorLink).toString();
    } catch (IOException | UnsupportedOperationException e) {
      return fallback.getAsBoolean();
    }
    return target.startsWith("/dev/pts/")
        || target.startsWith("/dev/tty")
        || target.equals("/dev/console");
  }
}
