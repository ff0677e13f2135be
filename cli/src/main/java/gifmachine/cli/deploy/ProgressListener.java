package gifmachine.cli.deploy;

/**
 * Receives {@link ProgressEvent}s; implementations must be thread-safe (stacks run in parallel).
 */
@FunctionalInterface
public interface ProgressListener {

  void on(ProgressEvent event);

  ProgressListener NONE = event -> {};
}
