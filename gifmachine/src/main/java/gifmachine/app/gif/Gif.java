package gifmachine.app.gif;

import java.time.Instant;

/**
 * One row of the {@code gifs} table. Text columns the original left {@code NULL} read as empty
 * strings, so nothing downstream deals in nulls.
 */
public record Gif(
    long id, String url, String who, Instant when, String memeTop, String memeBottom) {

  /**
   * The original's fallback, shown before anyone has posted (same URL and text as the Ruby app).
   */
  public static final Gif FALLBACK =
      new Gif(
          0,
          "http://media.tumblr.com/acf1f8fbbe9a937d5fd6ad4802648302/tumblr_inline_na61n7e6yw1raprkq.gif",
          "",
          Instant.EPOCH,
          "welcome to",
          "gifmachine");
}
