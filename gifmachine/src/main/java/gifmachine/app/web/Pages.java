package gifmachine.app.web;

import gifmachine.app.gif.Gif;
import gifmachine.app.gif.GifStore;
import gifmachine.app.gif.SearchCache;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/**
 * The browser pages: the kiosk ({@code GET /}), {@code /history?page=N}, {@code
 * /search?query=q&page=N} and {@code /view/:id}, plus the kiosk's script and style sheet. The pages
 * are jte templates ({@code src/main/jte}), compiled with the build; jte escapes every expression
 * for where it lands (element text, attribute value), so no call to an escaping function can be
 * forgotten. User text goes into element text or {@code data-} attributes only; scripts are static
 * files and the Content-Security-Policy forbids inline ones.
 *
 * <pre>{@code curl 'localhost:4567/search?query=cat&page=2'}</pre>
 */
public final class Pages {

  static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src http: https: data:;"
          + " connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

  private final GifStore store;
  private final SearchCache search;
  private final PageTemplates templates = new PageTemplates();
  private final byte[] kiosk;
  private final byte[] notFound;
  private final byte[] script;
  private final byte[] style;

  /**
   * @param store history and single gifs
   * @param search search pages, remembered while still current
   */
  public Pages(GifStore store, SearchCache search) {
    this.store = store;
    this.search = search;
    this.kiosk = templates.kiosk();
    this.notFound = templates.notFound();
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
    page(ctx).result(templates.list("gifmachine history", "", store.history(page)));
  }

  /** {@code GET /search?query=q&page=N}: no query means the page with no results. */
  public void search(Context ctx) {
    Optional<String> query = Optional.ofNullable(ctx.queryParam("query")).filter(q -> !q.isBlank());
    int page = pageNumber(ctx.queryParam("page"));
    GifStore.Page results =
        query.map(q -> search.search(q, page)).orElse(new GifStore.Page(List.of(), 1, false));
    page(ctx).result(templates.list("gifmachine search", query.orElse(""), results));
  }

  /** {@code GET /view/:id}: one gif with its text, or a 404 page. */
  public void view(Context ctx) {
    Optional<Gif> gif = parseId(ctx.pathParam("id")).flatMap(store::find);
    if (gif.isEmpty()) {
      notFound(ctx);
      return;
    }
    page(ctx).result(templates.view(gif.get()));
  }

  /** The HTML 404 page, for unknown ids and for browsers on unknown routes. */
  public void notFound(Context ctx) {
    page(ctx).status(404).result(notFound);
  }

  private static Context page(Context ctx) {
    return ctx.contentType("text/html; charset=utf-8")
        .header("Content-Security-Policy", CSP)
        .header("X-Content-Type-Options", "nosniff");
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
