package gifmachine.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Ticker;
import gifmachine.app.db.Database;
import gifmachine.app.gif.DatabaseUnavailableException;
import gifmachine.app.gif.Gif;
import gifmachine.app.gif.GifStore;
import gifmachine.app.gif.LatestGif;
import gifmachine.app.gif.NewGif;
import gifmachine.app.gif.SearchCache;
import gifmachine.app.gif.SearchCache.Outcome;
import gifmachine.app.gif.SearchText;
import gifmachine.app.live.ClusterFeed;
import gifmachine.app.live.LiveHub;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link SearchCache} on a real PostgreSQL, with the real notification feed where one matters:
 * pages come from memory only while no acknowledged gif can be missing from them.
 */
class SearchCacheIT {
  private Database database;
  private GifStore store;
  private final ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
  private final AtomicLong nanos = new AtomicLong();
  private final Ticker ticker = nanos::get;

  /** Each search statement (the page query, not the probe) counted, and held while set. */
  private final AtomicInteger searchQueries = new AtomicInteger();

  private volatile CountDownLatch holdSearches = new CountDownLatch(0);
  private final AtomicBoolean failNextSearch = new AtomicBoolean();

  @BeforeEach
  void open() {
    database = Database.open(TestPostgres.newDatabase());
    store = new GifStore(watched(database.dataSource()), ClusterFeed.CHANNEL, SearchText.BUILTIN);
  }

  @AfterEach
  void close() {
    database.close();
  }

  @Test
  void a_repeated_search_is_answered_from_memory_with_the_same_page() {
    post("a wombat", "one");
    post("two wombats", "two");
    SearchCache cache = cache(SearchCache.DEFAULT_MAX_BYTES);

    GifStore.Page first = cache.search("WOMBAT", 1);
    GifStore.Page second = cache.search("WOMBAT", 1);

    assertThat(first.gifs()).extracting(Gif::memeBottom).containsExactly("two", "one");
    assertThat(second).isEqualTo(first).isEqualTo(store.search("WOMBAT", 1));
    assertThat(outcomes).containsExactly(Outcome.MISS, Outcome.HIT);
    assertThat(searchQueries).hasValue(2); // the cache's one, and the comparison's
  }

  @Test
  void a_gif_stored_by_another_instance_shows_at_once_without_waiting_for_its_notification() {
    post("a wombat", "old");
    SearchCache cache = cache(SearchCache.DEFAULT_MAX_BYTES);
    assertThat(cache.search("wombat", 1).gifs()).hasSize(1);

    // Another instance's post: this cache hears nothing of it (no feed here), but the probe sees
    // a newer id.
    post("another wombat", "new");

    assertThat(cache.search("wombat", 1).gifs())
        .extracting(Gif::memeBottom)
        .containsExactly("new", "old");
    assertThat(outcomes).containsExactly(Outcome.MISS, Outcome.MISS);
  }

  @Test
  void a_gif_committed_after_a_newer_one_shows_once_its_notification_arrives() throws Exception {
    LatestGif latest = new LatestGif(new ObjectMapper());
    SearchCache cache = cache(SearchCache.DEFAULT_MAX_BYTES);
    try (ClusterFeed feed = feed(latest, cache);
        Connection slow = database.openDedicated()) {
      feed.start();
      await().atMost(Duration.ofSeconds(10)).until(feed::listening);
      slow.setAutoCommit(false);
      long early;
      try (Statement s = slow.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "INSERT INTO gifs (url, who, meme_top, meme_bottom) VALUES"
                      + " ('https://example.com/early.gif', 'x', 'late wombat', '') RETURNING id")) {
        rs.next();
        early = rs.getLong(1);
      }
      try (PreparedStatement s = slow.prepareStatement("SELECT pg_notify(?, ?)")) {
        s.setString(1, ClusterFeed.CHANNEL);
        s.setString(2, "{\"origin\":\"elsewhere\",\"type\":\"gif\",\"id\":" + early + "}");
        s.execute(); // delivered when the transaction commits
      }
      Gif newer = post("not a match", "newer");
      assertThat(newer.id()).isGreaterThan(early);
      await().atMost(Duration.ofSeconds(10)).until(() -> latest.get().gif().id() == newer.id());

      assertThat(cache.search("wombat", 1).gifs()).isEmpty();
      assertThat(cache.search("wombat", 1).gifs()).isEmpty();
      assertThat(outcomes).containsExactly(Outcome.MISS, Outcome.HIT);

      slow.commit();

      // The newest id is what it was, so only the notification can tell the cache.
      assertThat(store.newestId()).isEqualTo(newer.id());
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> cache.search("wombat", 1).gifs().stream().anyMatch(g -> g.id() == early));
    }
  }

  @Test
  void while_the_feed_is_down_every_search_goes_to_the_database() {
    post("a wombat", "one");
    SearchCache cache =
        new SearchCache(store, SearchCache.DEFAULT_MAX_BYTES, ticker, outcomes::add);

    cache.search("wombat", 1); // the feed has not been up yet
    cache.feedUp();
    cache.search("wombat", 1);
    cache.search("wombat", 1);
    cache.feedDown();
    cache.search("wombat", 1);
    cache.feedUp();
    cache.search("wombat", 1);

    assertThat(outcomes)
        .containsExactly(Outcome.BYPASS, Outcome.MISS, Outcome.HIT, Outcome.BYPASS, Outcome.MISS);
  }

  @Test
  void a_reload_or_a_gif_from_the_feed_drops_every_page() {
    post("a wombat", "one");
    SearchCache cache = cache(SearchCache.DEFAULT_MAX_BYTES);
    cache.search("wombat", 1);
    cache.search("nothing", 1);

    cache.changed();

    assertThat(cache.size()).isZero();
    cache.search("wombat", 1);
    assertThat(outcomes).containsExactly(Outcome.MISS, Outcome.MISS, Outcome.MISS);
  }

  @Test
  void a_page_is_read_again_once_older_than_the_maximum_age() {
    post("a wombat", "one");
    SearchCache cache = cache(SearchCache.DEFAULT_MAX_BYTES);
    cache.search("wombat", 1);

    nanos.addAndGet(SearchCache.MAX_AGE.toNanos() - 1);
    cache.search("wombat", 1);
    nanos.addAndGet(1);
    cache.search("wombat", 1);

    assertThat(outcomes).containsExactly(Outcome.MISS, Outcome.HIT, Outcome.MISS);
  }

  @Test
  void the_pages_kept_stay_within_the_byte_bound() {
    for (int i = 0; i < 40; i++) {
      post("wombat " + "w".repeat(400), "row " + i);
    }
    long bound = 64 * 1024;
    SearchCache cache = cache(bound);
    // Page 1 alone is 32 gifs of ~430 characters: ~30 KB estimated; two fit, not three.
    for (int round = 0; round < 3; round++) {
      for (String term : List.of("wombat", "womb", "wom", "w wombat")) {
        cache.search(term, 1);
      }
    }

    assertThat(cache.weightedBytes()).isPositive().isLessThanOrEqualTo(bound);
    assertThat(cache.size()).isBetween(1L, 2L);
  }

  @Test
  void searches_for_one_page_that_miss_together_share_one_query() throws Exception {
    post("a wombat", "one");
    SearchCache cache = cache(SearchCache.DEFAULT_MAX_BYTES);
    holdSearches = new CountDownLatch(1);
    int callers = 6;
    ExecutorService pool = Executors.newFixedThreadPool(callers);
    try {
      List<Future<GifStore.Page>> pages = new ArrayList<>();
      for (int i = 0; i < callers; i++) {
        pages.add(pool.submit(() -> cache.search("wombat", 1)));
      }
      // One caller is held inside its query; the others find its page pending and wait for it.
      await().atMost(Duration.ofSeconds(10)).until(() -> outcomes.size() == callers - 1);
      holdSearches.countDown();
      for (Future<GifStore.Page> page : pages) {
        assertThat(page.get(10, TimeUnit.SECONDS).gifs()).hasSize(1);
      }
    } finally {
      holdSearches.countDown();
      pool.shutdownNow();
    }
    assertThat(searchQueries).hasValue(1);
    assertThat(outcomes).filteredOn(Outcome.MISS::equals).hasSize(1);
  }

  @Test
  void a_failed_search_is_not_remembered() {
    post("a wombat", "one");
    SearchCache cache = cache(SearchCache.DEFAULT_MAX_BYTES);
    failNextSearch.set(true);

    assertThatThrownBy(() -> cache.search("wombat", 1))
        .isInstanceOf(DatabaseUnavailableException.class);
    assertThat(cache.search("wombat", 1).gifs()).hasSize(1);
    assertThat(outcomes).containsExactly(Outcome.MISS);
  }

  @Test
  void with_no_bytes_allowed_nothing_is_remembered() {
    post("a wombat", "one");
    SearchCache cache = cache(0);
    cache.search("wombat", 1);
    cache.search("wombat", 1);
    assertThat(outcomes).containsExactly(Outcome.BYPASS, Outcome.BYPASS);
  }

  /** A cache as a listening feed leaves it. */
  private SearchCache cache(long maxBytes) {
    SearchCache cache = new SearchCache(store, maxBytes, ticker, outcomes::add);
    cache.feedUp();
    return cache;
  }

  private ClusterFeed feed(LatestGif latest, SearchCache cache) {
    ObjectMapper json = new ObjectMapper();
    LiveHub hub = new LiveHub(() -> latest.get().json());
    return new ClusterFeed(database::openDedicated, store, latest, hub, json, cache);
  }

  private Gif post(String memeTop, String memeBottom) {
    return store.insert(
        new NewGif(
            "https://example.com/" + memeBottom.replace(' ', '-') + ".gif",
            "someone",
            memeTop,
            memeBottom),
        "elsewhere");
  }

  /**
   * {@code pool} with each search statement counted, held while {@link #holdSearches} is closed,
   * and failed once when {@link #failNextSearch} is set.
   */
  private DataSource watched(DataSource pool) {
    return (DataSource)
        Proxy.newProxyInstance(
            getClass().getClassLoader(),
            new Class<?>[] {DataSource.class},
            (proxy, method, args) -> {
              Object result = invoke(pool, method, args);
              return result instanceof Connection c ? watched(c) : result;
            });
  }

  private Connection watched(Connection connection) {
    return (Connection)
        Proxy.newProxyInstance(
            getClass().getClassLoader(),
            new Class<?>[] {Connection.class},
            (proxy, method, args) -> {
              if (method.getName().equals("prepareStatement")
                  && ((String) args[0]).contains("JOIN")) {
                searchQueries.incrementAndGet();
                if (failNextSearch.getAndSet(false)) {
                  throw new SQLException("connection reset (simulated)", "08006");
                }
                assertThat(holdSearches.await(10, TimeUnit.SECONDS)).isTrue();
              }
              return invoke(connection, method, args);
            });
  }

  private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args)
      throws Throwable {
    try {
      return method.invoke(target, args);
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
