package gifmachine.cli.image;

/**
 * An image could not be built or pushed. The message reads {@code what happened: why}, for the CLI
 * to print as it is.
 */
public final class ImagePublishException extends Exception {

  public ImagePublishException(String message) {
    super(message);
  }

  public ImagePublishException(String message, Throwable cause) {
    super(message, cause);
  }
}
