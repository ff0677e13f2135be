package gifmachine.app.gif;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Search result pages, remembered while no gif can have changed them. A page costs PostgreSQL 1–2
 * ms at a million rows however the indexes are laid out (planning plus walking a few thousand index
 * entries, docs/benchmarks.md); a remembered one costs a one-row probe.
 *
 * <p>A page is served from memory only when all of these hold, so a search never misses a gif that
 * any instance has acknowledged, except for the moments a NOTIFY takes to arrive:
 *
 * <ul>
 *   <li>The newest gif id, asked of the database on every search ({@link GifStore#newestId()}), is
 *       the one the page was read under. An instance behind the same load balancer sees another's
 *       post at once, without waiting for its NOTIFY.
 *   <li>No gif has arrived since over the notification feed ({@link #changed()}): that covers posts
 *       that commit out of id order (a lower id committing after a higher one leaves the newest id
 *       as it was).
 *   <li>The feed has been up all along ({@link #feedUp()}/{@link #feedDown()}): while it is down
 *       nothing is remembered or served from memory, since out-of-order commits would go unseen.
 *   <li>The page is younger than {@link #MAX_AGE}: gifs edited or deleted in the database by hand
 *       (Gifmachine itself only inserts) show within that time, or at once after {@code POST
 *       /reload}.
 * </ul>
 *
 * <p>Memory is bounded by an estimate of the bytes each page holds; which pages stay is Caffeine's
 * choice (frequency-based, so a flood of one-off terms does not push out the common ones). Searches
 * for one page that miss together share one query.
 *
 * <pre>{@code
 * SearchCache cache = new SearchCache(store, 8 << 20, Ticker.systemTicker(), outcome -> {});
 * cache.feedUp();                       // the LISTEN connection is up
 * cache.search("cat", 1);               // a query; the same call again is a probe and memory
 * }</pre>
 */
public final class SearchCache {

  /** How long a page may be served from memory at most (for edits made outside Gifmachine). */
  public static final Duration MAX_AGE = Duration.ofSeconds(60);

  /** The default bound on the estimated bytes of all remembered pages. */
  public static final long DEFAULT_MAX_BYTES = 8L << 20;

  /** How a search was answered, for metrics. */
  public enum Outcome {
    /** From memory, after the probe. */
    HIT,
    /** By the database; the page is remembered. */
    MISS,
    /** By the database, nothing remembered: the cache is off or the feed is down. */
    BYPASS
  }

  /**
   * A remembered page: its query and number, and what the database looked like when it was read.
   * Pages read under an older generation or newest id are never asked for again; they age out.
   */
  private record Key(String query, int number, long generation, long newestId) {}

  private final GifStore store;
  private final AsyncCache<Key, GifStore.Page> pages;
  private final Consumer<Outcome> outcomes;
  private final AtomicLong generation = new AtomicLong();
  private volatile boolean feedUp;

  /**
   * @param maxBytes bound on the estimated bytes of remembered pages; 0 turns the cache off
   * @param ticker the clock {@link #MAX_AGE} is measured on ({@link Ticker#systemTicker()})
   * @param outcomes told how each search was answered
   */
  public SearchCache(GifStore store, long maxBytes, Ticker ticker, Consumer<Outcome> outcomes) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("maxBytes must not be negative: " + maxBytes);
    }
    this.store = store;
    this.outcomes = outcomes;
    this.pages =
        maxBytes == 0
            ? null
            : Caffeine.newBuilder()
                .maximumWeight(maxBytes)
                .weigher((Key key, GifStore.Page page) -> estimatedBytes(key, page))
                .expireAfterWrite(MAX_AGE)
                .ticker(ticker)
                // Evictions and removals run on the thread that caused them: no pool of its own.
                .executor(Runnable::run)
                .buildAsync();
  }

  /** As {@link GifStore#search}, from memory when nothing can have changed the page. */
  public GifStore.Page search(String query, int number) {
    if (pages == null || !feedUp) {
      outcomes.accept(Outcome.BYPASS);
      return store.search(query, number);
    }
    // The generation is read before the probe, the probe before the search: a page is filed
    // under values at least as old as what it shows, so anything newer makes it unreachable.
    long seen = generation.get();
    Key key = new Key(query, number, seen, store.newestId());
    CompletableFuture<GifStore.Page> mine = new CompletableFuture<>();
    CompletableFuture<GifStore.Page> theirs = pages.asMap().putIfAbsent(key, mine);
    if (theirs != null) {
      outcomes.accept(Outcome.HIT);
      return joined(theirs);
    }
    try {
      GifStore.Page page = store.search(query, number);
      mine.complete(page);
      outcomes.accept(Outcome.MISS);
      return page;
    } catch (RuntimeException e) {
      // Those waiting on this search get the same failure; the cache drops a failed page.
      mine.completeExceptionally(e);
      throw e;
    }
  }

  /**
   * A gif was posted (here or on another instance), or gifs were reloaded: no remembered page is
   * served again.
   */
  public void changed() {
    generation.incrementAndGet();
    if (pages != null) {
      pages.synchronous().invalidateAll();
    }
  }

  /** The notification feed is listening (again): pages may be remembered from now on. */
  public void feedUp() {
    changed();
    feedUp = true;
  }

  /** The notification feed is down: posts could go unheard, so nothing is served from memory. */
  public void feedDown() {
    feedUp = false;
    changed();
  }

  /** How many pages are remembered now (Caffeine's estimate; for tests). */
  public long size() {
    return pages == null ? 0 : pages.synchronous().estimatedSize();
  }

  /** The estimated bytes of the pages remembered now, after any pending eviction (for tests). */
  public long weightedBytes() {
    if (pages == null) {
      return 0;
    }
    pages.synchronous().cleanUp();
    return pages.synchronous().policy().eviction().orElseThrow().weightedSize().orElseThrow();
  }

  private static GifStore.Page joined(CompletableFuture<GifStore.Page> page) {
    try {
      return page.join();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }

  /**
   * What a page keeps alive, roughly: two bytes a character (the upper bound of Java's strings)
   * plus each object's header and fields.
   */
  static int estimatedBytes(Key key, GifStore.Page page) {
    long bytes = 96 + 2L * key.query().length();
    for (Gif gif : page.gifs()) {
      bytes +=
          160
              + 2L
                  * (gif.url().length()
                      + gif.who().length()
                      + gif.memeTop().length()
                      + gif.memeBottom().length());
    }
    return (int) Math.min(Integer.MAX_VALUE, bytes);
  }
}
