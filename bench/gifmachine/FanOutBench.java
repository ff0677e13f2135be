import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Fan-out latency: CLIENTS WebSocket clients split evenly over the given instances, POSTS gifs
 * posted to the first instance; for every client and post, the time from just before the POST
 * is sent to the message's arrival. Prints p50/p90/p99/max over all deliveries.
 *
 * <p>{@code -Dwarmup=N} first posts N gifs that are delivered but not counted: this JVM's own
 * receive path (the JDK's WebSocket client, 1,000 sockets) otherwise runs interpreted for the
 * first posts, and its slowness lands in the figures as if the servers' (docs/benchmarks.md,
 * "Stop 9"). Its garbage collections land there too: run it with a young generation large enough
 * for the run (the scripts pass {@code -XX:+UseSerialGC -Xms1g -Xmn768m}).
 *
 * <pre>java FanOutBench.java SECRET CLIENTS POSTS http://127.0.0.1:4571 http://127.0.0.1:4572</pre>
 */
public class FanOutBench {
  public static void main(String[] args) throws Exception {
    String secret = args[0];
    int clients = Integer.parseInt(args[1]);
    int warmup = Integer.getInteger("warmup", 0);
    int posts = Integer.parseInt(args[2]) + warmup;
    List<URI> instances = new ArrayList<>();
    for (int i = 3; i < args.length; i++) {
      instances.add(URI.create(args[i]));
    }
    HttpClient http = HttpClient.newHttpClient();
    ConcurrentHashMap<String, Long> postedAt = new ConcurrentHashMap<>();
    long[][] latencies = new long[posts][clients];
    List<Long> postAnswered = new ArrayList<>();
    CountDownLatch greeted = new CountDownLatch(clients);
    CountDownLatch[] delivered = new CountDownLatch[posts];
    for (int p = 0; p < posts; p++) {
      delivered[p] = new CountDownLatch(clients);
    }
    List<WebSocket> sockets = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      int client = c;
      URI base = instances.get(c % instances.size());
      URI ws = URI.create("ws://" + base.getHost() + ":" + base.getPort() + "/");
      sockets.add(
          http.newWebSocketBuilder()
              .buildAsync(
                  ws,
                  new WebSocket.Listener() {
                    boolean first = true;

                    @Override
                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                      long now = System.nanoTime();
                      String text = data.toString();
                      if (first) {
                        first = false;
                        greeted.countDown();
                      } else {
                        int at = text.indexOf("bench-");
                        if (at >= 0) {
                          String key = text.substring(at, text.indexOf('.', at));
                          int post = Integer.parseInt(key.substring(6));
                          latencies[post][client] = now - postedAt.get(key);
                          delivered[post].countDown();
                        }
                      }
                      w.request(1);
                      return null;
                    }
                  })
              .get(30, TimeUnit.SECONDS));
    }
    if (!greeted.await(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("only " + (clients - greeted.getCount()) + " clients connected");
    }
    System.out.printf("%d clients connected over %d instances%n", clients, instances.size());
    long gcsBefore = 0;
    for (int p = 0; p < posts; p++) {
      if (p == warmup) {
        gcsBefore = collections();
      }
      String key = "bench-" + p;
      String body =
          "url=" + URLEncoder.encode("https://example.com/" + key + ".gif", StandardCharsets.UTF_8)
              + "&meme_top=fan&meme_bottom=out&who=bench&secret="
              + URLEncoder.encode(secret, StandardCharsets.UTF_8);
      postedAt.put(key, System.nanoTime());
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(instances.get(0).resolve("/gif"))
                  .header("Content-Type", "application/x-www-form-urlencoded")
                  .POST(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      postAnswered.add(System.nanoTime() - postedAt.get(key));
      if (r.statusCode() != 200) {
        throw new IllegalStateException("POST answered " + r.statusCode() + " " + r.body());
      }
      if (!delivered[p].await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException(delivered[p].getCount() + " clients missed post " + p);
      }
      Thread.sleep(200);
    }
    long[][] counted = Arrays.copyOfRange(latencies, warmup, posts);
    long[] all = Arrays.stream(counted).flatMapToLong(Arrays::stream).sorted().toArray();
    // Where the time goes: clients of the first instance get the post from its own broadcast,
    // the others through PostgreSQL's NOTIFY; the POST's own round trip; and the spread from the
    // first to the last delivery of one post (the writes to, and reads of, ~1,000 sockets).
    String perInstance = "";
    for (int i = 0; i < instances.size(); i++) {
      int instance = i;
      long[] mine = Arrays.stream(counted)
          .flatMapToLong(row -> java.util.stream.IntStream.range(0, clients)
              .filter(c -> c % instances.size() == instance).mapToLong(c -> row[c]))
          .sorted().toArray();
      perInstance += String.format("; instance %d p50 %.1f / p99 %.1f ms", i + 1, ms(mine, 0.50), ms(mine, 0.99));
    }
    long[] spread = Arrays.stream(counted)
        .mapToLong(row -> Arrays.stream(row).max().getAsLong() - Arrays.stream(row).min().getAsLong())
        .sorted().toArray();
    long[] answered = postAnswered.subList(warmup, posts).stream().mapToLong(Long::longValue).sorted().toArray();
    // Each post's slowest delivery, in posting order: shows whether the tail is one post (a GC
    // pause, the first post's cold code) or spread over all of them.
    StringBuilder slowest = new StringBuilder("slowest delivery per post, ms:");
    for (long[] row : counted) {
      slowest.append(String.format(" %.0f", Arrays.stream(row).max().getAsLong() / 1e6));
    }
    System.out.println(slowest + "; this JVM's collections meanwhile: " + (collections() - gcsBefore));
    System.out.printf(
        "fan-out %d deliveries: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms%s;"
            + " POST answered p50 %.1f ms; first to last delivery of a post p50 %.1f ms%n",
        all.length, ms(all, 0.50), ms(all, 0.90), ms(all, 0.99), all[all.length - 1] / 1e6,
        perInstance, ms(answered, 0.50), ms(spread, 0.50));
    sockets.forEach(WebSocket::abort);
  }

  /** Garbage collections this JVM has run: a pause here is the client's, not the servers'. */
  private static long collections() {
    return java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
        .mapToLong(java.lang.management.GarbageCollectorMXBean::getCollectionCount).sum();
  }

  private static double ms(long[] sorted, double q) {
    return sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))] / 1e6;
  }
}
