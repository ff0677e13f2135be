package gifmachine.app.web;

import gifmachine.app.gif.Gif;
import gifmachine.app.gif.GifStore;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * What {@code list.jte} shows: a page of gifs for {@code /history} or {@code /search}, with the
 * will_paginate-style links of the original. Text stays raw here; the template escapes it for the
 * context it lands in.
 *
 * @param query the search query, or empty on the history page
 */
public record ListPage(String title, String query, List<Row> rows, int number, boolean hasNext) {

  /** Same wording as the original's {@code strftime('%A %B %e %Y at %l:%M:%S%P')}, in UTC. */
  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("EEEE MMMM d yyyy 'at' h:mm:ssa", Locale.ENGLISH)
          .withZone(ZoneOffset.UTC);

  /** One gif in the list, its time already in the original's words. */
  public record Row(long id, String memeTop, String memeBottom, String who, String when) {}

  public ListPage {
    rows = List.copyOf(rows);
  }

  static ListPage of(String title, String query, GifStore.Page page) {
    List<Row> rows =
        page.gifs().stream()
            .map(
                (Gif gif) ->
                    new Row(
                        gif.id(),
                        gif.memeTop(),
                        gif.memeBottom(),
                        gif.who(),
                        WHEN.format(gif.when()).replace("AM", "am").replace("PM", "pm")))
            .toList();
    return new ListPage(title, query, rows, page.number(), page.hasNext());
  }

  public boolean searched() {
    return !query.isEmpty();
  }

  /** A single page needs no links. */
  public boolean paginated() {
    return number > 1 || hasNext;
  }

  /** The numbered links before the current page: up to three. */
  public int[] before() {
    return IntStream.range(Math.max(1, number - 3), number).toArray();
  }

  /** The address of page {@code n} of the same list (the template escapes it for href). */
  public String link(int n) {
    return searched()
        ? "/search?query=" + URLEncoder.encode(query, StandardCharsets.UTF_8) + "&page=" + n
        : "/history?page=" + n;
  }
}
