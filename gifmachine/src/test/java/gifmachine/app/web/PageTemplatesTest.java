package gifmachine.app.web;

import static org.assertj.core.api.Assertions.assertThat;

import gifmachine.app.gif.Gif;
import gifmachine.app.gif.GifStore;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class PageTemplatesTest {

  /** Ends an attribute, opens a script, adds an event handler, in either quote style. */
  private static final String HOSTILE =
      "\"><script>alert(1)</script><img src=x onerror=alert(2) a='b' c=\"d\">&amp;";

  private final PageTemplates templates = new PageTemplates();

  private static final Gif GIF =
      new Gif(
          7,
          "https://example.com/x.gif?a=1&b='x'\"><script>alert(3)</script>",
          HOSTILE + " who",
          Instant.parse("2015-03-04T17:06:07Z"),
          HOSTILE + " top",
          HOSTILE + " bottom");

  @Test
  void the_view_page_carries_hostile_text_in_its_data_attributes_as_text_only() {
    String html = new String(templates.view(GIF), StandardCharsets.UTF_8);

    assertThat(html).doesNotContain("<script>alert", "<img src=x");
    // The body tag is exactly the five double-quoted attributes, whose values read back intact.
    Matcher body = Pattern.compile("<body((?: [a-z-]+=\"[^\"]*\")*)>").matcher(html);
    assertThat(body.find()).isTrue();
    Map<String, String> attributes = new LinkedHashMap<>();
    Matcher attribute = Pattern.compile(" ([a-z-]+)=\"([^\"]*)\"").matcher(body.group(1));
    while (attribute.find()) {
      attributes.put(attribute.group(1), unescape(attribute.group(2)));
    }
    assertThat(attributes)
        .containsExactly(
            Map.entry("class", "stage"),
            Map.entry("data-mode", "view"),
            Map.entry("data-url", GIF.url()),
            Map.entry("data-meme-top", GIF.memeTop()),
            Map.entry("data-meme-bottom", GIF.memeBottom()));
    assertThat(html).containsOnlyOnce("<script").contains("<script src=\"/gif.js\"></script>");
  }

  @Test
  void the_list_page_shows_hostile_text_as_text_in_links_headings_and_page_links() {
    String query = HOSTILE + " query";
    String html =
        new String(
            templates.list("gifmachine search", query, new GifStore.Page(List.of(GIF), 2, true)),
            StandardCharsets.UTF_8);

    assertThat(html).doesNotContain("<script", "<img src=x");
    assertThat(html)
        .contains(
            "<li><a href=\"/view/7\">"
                + escapeText(GIF.memeTop())
                + " - "
                + escapeText(GIF.memeBottom())
                + "</a>&nbsp;by "
                + escapeText(GIF.who())
                + " - Wednesday March 4 2015 at 5:06:07pm</li>",
            "<h2>Search query: \"" + escapeText(query) + "\"</h2>");
    // Page links hold the query URL-encoded, the & between parameters escaped for the attribute.
    Matcher href = Pattern.compile("<a class=\"next_page\" href=\"([^\"]*)\">").matcher(html);
    assertThat(href.find()).isTrue();
    assertThat(unescape(href.group(1)))
        .startsWith("/search?query=%22%3E%3Cscript%3E")
        .endsWith("&page=3")
        .doesNotContain("\"", "<", ">", " ");
  }

  @Test
  void a_history_page_lists_gifs_newest_first_with_links_to_its_neighbours() {
    Gif older = new Gif(3, "", "", Instant.EPOCH, "", "");
    String html =
        new String(
            templates.list(
                "gifmachine history", "", new GifStore.Page(List.of(GIF, older), 5, false)),
            StandardCharsets.UTF_8);

    assertThat(html)
        .contains(
            """
            <h1>gifmachine history</h1>
            <div class="history-wrapper"></div>
            <ul class="gif-history">
            """,
            """
              <li><a href="/view/3"> - </a>&nbsp;by  - Thursday January 1 1970 at 12:00:00am</li>
            </ul>
            <div class="pagination"><a class="previous_page" href="/history?page=4">&#8592; \
            Previous</a> <a href="/history?page=2">2</a> <a href="/history?page=3">3</a> \
            <a href="/history?page=4">4</a> <em class="current">5</em> \
            <span class="next_page disabled">Next &#8594;</span></div>
            <form action="/search" method="get">
            """)
        .doesNotContain("Search query");
  }

  @Test
  void the_kiosk_page_has_only_its_mode_and_no_gif_attributes() {
    String html = new String(templates.kiosk(), StandardCharsets.UTF_8);

    assertThat(html)
        .startsWith("<!DOCTYPE html>\n")
        .contains("<title>gifmachine</title>", "<body class=\"stage\" data-mode=\"kiosk\">\n")
        .doesNotContain("data-url", "data-meme");
  }

  /** What element text must look like: no character that could open a tag or an entity. */
  private static String escapeText(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  /** The HTML character references jte writes, decoded. */
  private static String unescape(String value) {
    return value
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
  }
}
