package gifmachine.app.web;

import gifmachine.app.gif.Gif;
import gifmachine.app.gif.GifStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The browser pages: the kiosk ({@code GET /}), {@code /history?page=N}, {@code
 * /search?query=q&page=N} and {@code /view/:id}, plus the kiosk's script and style sheet. User text
 * reaches pages HTML-escaped, in element text or {@code data-} attributes only; scripts are
 * static files and the Content-Security-Policy forbids inline ones.
 *
 * <pre>{@code curl 'localhost:4567/search?query=cat&page=2'}</pre>
 */
public final class Pages {

  /** Same wording as the original's {@code strftime('%A %B %e %Y at %l:%M:%S%P')}, in UTC. */
  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("EEEE MMMM d yyyy 'at' h:mm:ssa", Locale.ENGLISH)
          .withZone(ZoneOffset.UTC);

  static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src http: https: data:;"
          + " connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

  private final GifStore store;
  private final byte[] kiosk;
  private final byte[] script;
  private final byte[] style;

  public Pages(GifStore store) {
    this.store = store;
    this.kiosk = stagePage("gifmachine", "data-mode=\"kiosk\"").getBytes(StandardCharsets.UTF_8);
    this.script = resource("gif.js");
    this.style = resource("style.css");
  }

  /** Registers the pages: the kiosk with its script and style, history, search and view. */
  public void routes(RoutesConfig routes) {
    routes.get("/", this::kiosk);
    routes.get("/gif.js", this::script);
    routes.get("/style.css", this::style);
    routes.get("/history", this::history);
    routes.get("/search", this::search);
    routes.get("/view/{id}", this::view);
  }

  /** {@code GET /}: the kiosk; its script opens the WebSocket on the same path. */
  public void kiosk(Context ctx) {
    page(ctx).result(kiosk);
  }

  public void script(Context ctx) {
    ctx.contentType("text/javascript; charset=utf-8")
        .header("Cache-Control", "public, max-age=300")
        .result(script);
  }

  public void style(Context ctx) {
    ctx.contentType("text/css; charset=utf-8")
        .header("Cache-Control", "public, max-age=300")
        .result(style);
  }

  /** {@code GET /history?page=N}: 32 gifs a page, newest first. */
  public void history(Context ctx) {
    int page = pageNumber(ctx.queryParam("page"));
    page(ctx).result(list("gifmachine history", Optional.empty(), store.history(page)));
  }

  /** {@code GET /search?query=q&page=N}: no query means the page with no results. */
  public void search(Context ctx) {
    Optional<String> query = Optional.ofNullable(ctx.queryParam("query")).filter(q -> !q.isBlank());
    int page = pageNumber(ctx.queryParam("page"));
    GifStore.Page results =
        query.map(q -> store.search(q, page)).orElse(new GifStore.Page(List.of(), 1, false));
    page(ctx).result(list("gifmachine search", query, results));
  }

  /** {@code GET /view/:id}: one gif with its text, or a 404 page. */
  public void view(Context ctx) {
    Optional<Gif> gif = parseId(ctx.pathParam("id")).flatMap(store::find);
    if (gif.isEmpty()) {
      notFound(ctx);
      return;
    }
    Gif g = gif.get();
    String attributes =
        "data-mode=\"view\" data-url=\"%s\" data-meme-top=\"%s\" data-meme-bottom=\"%s\""
            .formatted(Html.escape(g.url()), Html.escape(g.memeTop()), Html.escape(g.memeBottom()));
    page(ctx).result(stagePage("gifmachine time machine", attributes));
  }

  /**
   * The kiosk and the view page: the shown gif with its text, and the off-screen preloader that
   * the next gif loads into before it is swapped in. {@code bodyAttributes} must be escaped.
   */
  private static String stagePage(String title, String bodyAttributes) {
    return """
        <!DOCTYPE html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <title>%s</title>
          <meta name="description" content="A Machine For Gifs">
          <meta name="viewport" content="width=device-width, initial-scale=1">
          <link href="/style.css" rel="stylesheet">
        </head>
        <body class="stage" %s>
        <div id="stage"><div id="frame">
          <img id="gif" alt="">
          <div id="meme-top" class="meme"></div>
          <div id="meme-bottom" class="meme"></div>
        </div></div>
        <img id="gif-next" alt="">
        <script src="/gif.js"></script>
        </body>
        </html>
        """
        .formatted(title, bodyAttributes);
  }

  /** The HTML 404 page, for unknown ids and for browsers on unknown routes. */
  public static void notFound(Context ctx) {
    page(ctx)
        .status(404)
        .result(
            """
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><title>gifmachine: not found</title>
            <link href="/style.css" rel="stylesheet"></head>
            <body class="page"><h2>Not found</h2>
            <p>No gif lives here. <a href="/history">Browse the history</a>.</p></body>
            </html>
            """);
  }

  private static Context page(Context ctx) {
    return ctx.contentType("text/html; charset=utf-8")
        .header("Content-Security-Policy", CSP)
        .header("X-Content-Type-Options", "nosniff");
  }

  private static String list(String title, Optional<String> query, GifStore.Page page) {
    StringBuilder html = new StringBuilder(8192);
    html.append(
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
          <meta charset="utf-8">
          <title>gifmachine hall of fame</title>
          <meta name="viewport" content="width=device-width, initial-scale=1">
          <link href="/style.css" rel="stylesheet">
        </head>
        <body class="page">
        """);
    html.append("<h1>").append(title).append("</h1>\n<div class=\"history-wrapper\"></div>\n");
    query.ifPresent(
        q -> html.append("<h2>Search query: \"").append(Html.escape(q)).append("\"</h2>\n"));
    html.append("<ul class=\"gif-history\">\n");
    for (Gif gif : page.gifs()) {
      html.append("  <li><a href=\"/view/")
          .append(gif.id())
          .append("\">")
          .append(Html.escape(gif.memeTop()))
          .append(" - ")
          .append(Html.escape(gif.memeBottom()))
          .append("</a>&nbsp;by ")
          .append(Html.escape(gif.who()))
          .append(" - ")
          .append(WHEN.format(gif.when()).replace("AM", "am").replace("PM", "pm"))
          .append("</li>\n");
    }
    html.append("</ul>\n");
    pagination(html, query, page);
    html.append(
        """
        <form action="/search" method="get">
          <label>Search: <input type="text" name="query"></label>
          <input type="submit">
        </form>
        </body>
        </html>
        """);
    return html.toString();
  }

  private static void pagination(StringBuilder html, Optional<String> query, GifStore.Page page) {
    if (page.number() == 1 && !page.hasNext()) {
      return;
    }
    String base =
        query
            .map(q -> "/search?query=" + URLEncoder.encode(q, StandardCharsets.UTF_8) + "&page=")
            .orElse("/history?page=");
    html.append("<div class=\"pagination\">");
    if (page.number() > 1) {
      link(html, base, page.number() - 1, "previous_page", "&#8592; Previous");
    } else {
      html.append("<span class=\"previous_page disabled\">&#8592; Previous</span>");
    }
    for (int n = Math.max(1, page.number() - 3); n < page.number(); n++) {
      html.append(' ');
      link(html, base, n, "", Integer.toString(n));
    }
    html.append(" <em class=\"current\">").append(page.number()).append("</em> ");
    if (page.hasNext()) {
      link(html, base, page.number() + 1, "", Integer.toString(page.number() + 1));
      html.append(' ');
      link(html, base, page.number() + 1, "next_page", "Next &#8594;");
    } else {
      html.append("<span class=\"next_page disabled\">Next &#8594;</span>");
    }
    html.append("</div>\n");
  }

  private static void link(StringBuilder html, String base, int page, String cls, String label) {
    html.append("<a");
    if (!cls.isEmpty()) {
      html.append(" class=\"").append(cls).append('"');
    }
    html.append(" href=\"").append(Html.escape(base + page)).append("\">").append(label).append("</a>");
  }

  /** Non-numeric, zero, negative or absurd page numbers mean page 1, never an error. */
  static int pageNumber(String raw) {
    if (raw == null) {
      return 1;
    }
    try {
      int page = Integer.parseInt(raw.strip());
      return page >= 1 ? page : 1;
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  private static Optional<Long> parseId(String raw) {
    // ASCII digits only: Long.parseLong also reads other scripts' digits ("１" is 1).
    if (!raw.matches("[0-9]{1,18}")) {
      return Optional.empty();
    }
    try {
      long id = Long.parseLong(raw);
      return id > 0 ? Optional.of(id) : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }

  private static byte[] resource(String name) {
    try (InputStream in = Pages.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
