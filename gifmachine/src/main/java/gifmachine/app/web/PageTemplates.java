package gifmachine.app.web;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.Utf8ByteOutput;
import gifmachine.app.gif.Gif;
import gifmachine.app.gif.GifStore;
import java.util.Map;
import java.util.Optional;

/**
 * Renders the pages' jte templates ({@code gifmachine/src/main/jte}) to UTF-8 bytes. The templates
 * are compiled with the build by jte-maven-plugin into {@link #PACKAGE}, so a broken template fails
 * the build and nothing compiles at start. jte escapes each expression for its context (element
 * text, attribute value), so user text cannot end a tag or an attribute.
 *
 * <pre>{@code byte[] html = new PageTemplates().view(gif);}</pre>
 */
final class PageTemplates {

  /** Where jte-maven-plugin puts the generated classes (see gifmachine/pom.xml). */
  private static final String PACKAGE = "gifmachine.app.web.templates";

  private final TemplateEngine engine =
      TemplateEngine.createPrecompiled(
          null, ContentType.Html, PageTemplates.class.getClassLoader(), PACKAGE);

  /** The kiosk: the stage with no gif yet; its script fills it from the WebSocket. */
  byte[] kiosk() {
    return render("stage.jte", Map.of("title", "gifmachine", "shown", Optional.empty()));
  }

  /** The view page: the stage showing {@code gif} with its text. */
  byte[] view(Gif gif) {
    return render(
        "stage.jte", Map.of("title", "gifmachine time machine", "shown", Optional.of(gif)));
  }

  /** A history or search page; {@code query} is empty on the history page. */
  byte[] list(String title, String query, GifStore.Page page) {
    return render("list.jte", Map.of("page", ListPage.of(title, query, page)));
  }

  byte[] notFound() {
    return render("notFound.jte", Map.of());
  }

  private byte[] render(String template, Map<String, Object> params) {
    Utf8ByteOutput html = new Utf8ByteOutput();
    engine.render(template, params, html);
    return html.toByteArray();
  }
}
