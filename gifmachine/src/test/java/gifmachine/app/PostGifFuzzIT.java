package gifmachine.app;

import static org.assertj.core.api.Assertions.assertThat;

import gifmachine.app.db.DatabaseSettings;
import gifmachine.app.gif.NewGif;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;

/**
 * {@code POST /gif} with generated form and JSON bodies (any characters, NUL and lone surrogates,
 * lengths around the limits, repeated fields, non-string JSON values, broken JSON): never a 5xx,
 * and every row stored obeys the field rules.
 */
class PostGifFuzzIT {
  private static final String SECRET = "fuzz-secret";
  private static final Pattern ID = Pattern.compile("\"id\":(\\d+)");

  private static Gifmachine app;
  private static Clients clients;
  private static String jdbcUrl;

  @BeforeContainer
  static void start() {
    DatabaseSettings database = TestPostgres.newDatabase();
    jdbcUrl = TestPostgres.jdbcUrl(TestPostgres.databaseName(database));
    app =
        Gifmachine.start(
            new GifmachineConfig("127.0.0.1", 0, SECRET, false, database),
            new ByteArrayOutputStream());
    clients = new Clients(app.baseUri());
  }

  @AfterContainer
  static void stop() {
    app.close();
  }

  /** One field as sent: a name from the API's (or not), and a value. */
  record Field(String name, String value) {}

  @Provide
  Arbitrary<String> values() {
    return Arbitraries.oneOf(
        Arbitraries.strings().all().ofMaxLength(30),
        Arbitraries.strings().withCharRange(' ', '~').ofMinLength(495).ofMaxLength(505),
        Arbitraries.strings().all().ofMaxLength(20).map(s -> "https://example.com/" + s + ".gif"),
        Arbitraries.strings()
            .alpha()
            .ofMinLength(2020)
            .ofMaxLength(2060)
            .map(s -> "http://example.com/" + s),
        Arbitraries.of(
            "",
            " ",
            "\u0000",
            "\ud800",
            "\udc00x",
            "😀",
            "javascript:alert(1)",
            "http://",
            "https://",
            "HTTPS://EXAMPLE.COM/A.GIF",
            " https://a.example/b.gif ",
            "ftp://a/b",
            "https://exa mple.com/",
            "//example.com/a.gif",
            SECRET));
  }

  @Provide
  Arbitrary<List<Field>> fields() {
    Arbitrary<String> names =
        Arbitraries.frequencyOf(
            Tuple.of(8, Arbitraries.of("url", "who", "meme_top", "meme_bottom")),
            Tuple.of(1, Arbitraries.just("secret")),
            Tuple.of(1, Arbitraries.strings().all().ofMaxLength(5)));
    Arbitrary<List<Field>> extras =
        Combinators.combine(names, values()).as(Field::new).list().ofMaxSize(4);
    Arbitrary<List<Field>> plausible =
        Combinators.combine(
                values().map(v -> "https://example.com/" + v.strip()), values(), values(), values())
            .as(
                (url, who, top, bottom) ->
                    List.of(
                        new Field("url", url),
                        new Field("who", who),
                        new Field("meme_top", top),
                        new Field("meme_bottom", bottom),
                        new Field("secret", SECRET)));
    // A plausible post with random fields before it (it wins: the last value counts) or after
    // it (they win); or random fields alone.
    return Arbitraries.oneOf(
        Combinators.combine(extras, plausible).as(PostGifFuzzIT::concat),
        Combinators.combine(plausible, extras).as(PostGifFuzzIT::concat),
        extras);
  }

  private static List<Field> concat(List<Field> first, List<Field> then) {
    List<Field> all = new ArrayList<>(first);
    all.addAll(then);
    return all;
  }

  @Property(tries = 200)
  void form_posts_never_fail_the_server_nor_store_a_bad_row(@ForAll("fields") List<Field> fields)
      throws SQLException {
    String body =
        fields.stream()
            .map(
                f ->
                    URLEncoder.encode(f.name(), StandardCharsets.UTF_8)
                        + "="
                        + URLEncoder.encode(f.value(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));

    check(post("application/x-www-form-urlencoded", body.getBytes(StandardCharsets.US_ASCII)));
  }

  @Property(tries = 200)
  void json_posts_never_fail_the_server_nor_store_a_bad_row(
      @ForAll("fields") List<Field> fields, @ForAll("jsonShapes") int shape) throws SQLException {
    String body =
        fields.stream()
            .map(f -> jsonString(f.name()) + ":" + jsonValue(f.value(), shape))
            .collect(Collectors.joining(",", "{", "}"));
    if (shape == 9) {
      body = body.substring(0, body.length() / 2); // cut off: not JSON at all
    }

    check(post("application/json", body.getBytes(StandardCharsets.US_ASCII)));
  }

  @Provide
  Arbitrary<Integer> jsonShapes() {
    return Arbitraries.integers().between(0, 9);
  }

  /** Strings, except in shape 0: there some values are numbers, booleans, null, arrays, objects. */
  private static String jsonValue(String value, int shape) {
    if (shape != 0) {
      return jsonString(value);
    }
    return switch (Math.floorMod(value.hashCode(), 6)) {
      case 0 -> "42";
      case 1 -> "true";
      case 2 -> "null";
      case 3 -> "[" + jsonString(value) + "]";
      case 4 -> "{\"x\":" + jsonString(value) + "}";
      default -> jsonString(value);
    };
  }

  /** A JSON string with every non-ASCII char escaped, so lone surrogates reach the server. */
  private static String jsonString(String value) {
    StringBuilder s = new StringBuilder("\"");
    for (char c : value.toCharArray()) {
      if (c == '"' || c == '\\' || c < 0x20 || c > 0x7e) {
        s.append(String.format("\\u%04x", (int) c));
      } else {
        s.append(c);
      }
    }
    return s.append('"').toString();
  }

  private static HttpResponse<String> post(String type, byte[] body) {
    return clients.send(
        HttpRequest.newBuilder(app.baseUri().resolve("/gif"))
            .header("Content-Type", type)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  private static void check(HttpResponse<String> response) throws SQLException {
    Statistics.label("status").collect(response.statusCode());
    // Generated bodies must reach storage often enough for the row checks to mean something.
    Statistics.label("status").coverage(c -> c.check(200).percentage(p -> p >= 5));
    assertThat(response.statusCode()).as(response.body()).isIn(200, 400, 403, 413);
    assertThat(response.body()).startsWith("{");
    if (response.statusCode() != 200) {
      assertThat(response.body()).matches("\\{\"error\":\".+\"}");
      return;
    }
    Matcher id = ID.matcher(response.body());
    assertThat(id.find()).isTrue();
    try (Connection c = DriverManager.getConnection(jdbcUrl, "postgres", "");
        PreparedStatement s =
            c.prepareStatement("SELECT url, who, meme_top, meme_bottom FROM gifs WHERE id = ?")) {
      s.setLong(1, Long.parseLong(id.group(1)));
      try (ResultSet rs = s.executeQuery()) {
        assertThat(rs.next()).isTrue();
        String url = rs.getString(1);
        assertThat(url).isNotBlank().isEqualTo(url.strip()).hasSizeLessThanOrEqualTo(2048);
        assertThat(url.toLowerCase(Locale.ROOT)).matches("https?://[^/?#\\s]+.*");
        for (int column = 2; column <= 4; column++) {
          String text = rs.getString(column);
          assertThat(text).isNotNull().hasSizeLessThanOrEqualTo(NewGif.MAX_TEXT_LENGTH);
          assertThat(text).doesNotContain("\u0000", "\ufffd");
        }
      }
    }
  }
}
