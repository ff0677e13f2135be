package gifmachine.app.gif;

/**
 * Where the gif API hands what it stored, so every kiosk hears of it: implemented by {@code
 * live.ClusterFeed}, which fans out to this instance's kiosks and, through PostgreSQL's NOTIFY, to
 * every other instance's. An interface owned here so that {@code live} depends on {@code gif} and
 * not the other way round.
 */
public interface GifFeed {

  /** This instance's id in notifications, stored with each post so the poster skips its own. */
  String origin();

  /** Shows a gif just stored here to this instance's kiosks at once. */
  void postedHere(Gif gif);

  /** Reloads the kiosks of every instance (and of this one even when the database is down). */
  void reloadEverywhere();
}
