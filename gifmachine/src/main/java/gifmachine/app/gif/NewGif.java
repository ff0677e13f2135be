package gifmachine.app.gif;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * A validated gif as posted by a chat bot: {@code url} is an absolute http(s) URL of at most 2048
 * characters, and {@code who}, {@code meme_top}, {@code meme_bottom} are at most 500 characters
 * each (absent means empty).
 */
public record NewGif(String url, String who, String memeTop, String memeBottom) {

  public static final int MAX_URL_LENGTH = 2048;
  public static final int MAX_TEXT_LENGTH = 500;

  /**
   * Validates raw fields, looked up by their API names.
   *
   * @throws InvalidInputException naming the first field that is wrong
   */
  public static NewGif validate(Function<String, String> field) {
    String url = field.apply("url");
    if (url == null || url.isBlank()) {
      throw new InvalidInputException("url", "is required");
    }
    url = url.strip();
    if (url.length() > MAX_URL_LENGTH) {
      throw new InvalidInputException("url", "longer than " + MAX_URL_LENGTH + " characters");
    }
    if (!isHttpUrl(url)) {
      throw new InvalidInputException("url", "must be an absolute http(s) URL");
    }
    return new NewGif(url, text(field, "who"), text(field, "meme_top"), text(field, "meme_bottom"));
  }

  /** Same as {@link #validate(Function)} for a map of fields (JSON bodies). */
  public static NewGif validate(Map<String, String> fields) {
    return validate(fields::get);
  }

  private static String text(Function<String, String> field, String name) {
    String value = field.apply(name);
    if (value == null) {
      return "";
    }
    if (value.length() > MAX_TEXT_LENGTH) {
      throw new InvalidInputException(name, "longer than " + MAX_TEXT_LENGTH + " characters");
    }
    return value;
  }

  private static boolean isHttpUrl(String url) {
    try {
      URI uri = new URI(url);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      return (scheme.equals("http") || scheme.equals("https"))
          && uri.getHost() != null
          && !uri.getHost().isEmpty();
    } catch (URISyntaxException e) {
      return false;
    }
  }
}
