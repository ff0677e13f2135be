package gifmachine.app.web;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Map;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own error responses (a malformed request line or chunk, a URI or headers too large, an
 * unsupported HTTP version, a failed WebSocket upgrade) in the API's shape, {@code
 * {"error":"request: bad request"}}, instead of Jetty's HTML pages, whatever the client accepts.
 *
 * <pre>{@code printf 'GET / HTTP/3.0\r\n\r\n' | nc localhost 4567   # 505 {"error":...}}</pre>
 */
public final class JsonErrorHandler extends ErrorHandler {
  private final ObjectMapper json;

  public JsonErrorHandler(ObjectMapper json) {
    this.json = json;
  }

  /** {@code "request: <reason phrase>"}, e.g. {@code request: uri too long} for 414. */
  public static String message(int status) {
    String reason = HttpStatus.getMessage(status);
    return "request: " + (reason == null ? "error " + status : reason.toLowerCase(Locale.ROOT));
  }

  /** The body as bytes: {@code {"error":"..."}}. */
  public byte[] body(String message) {
    try {
      return json.writeValueAsBytes(Map.of("error", message));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  protected void generateResponse(
      Request request,
      Response response,
      int code,
      String message,
      Throwable cause,
      Callback callback) {
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.write(true, ByteBuffer.wrap(body(message(code))), callback);
  }

  /** Errors Jetty answers before there is a request to speak of (its parser's). */
  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(new HttpField(HttpHeader.CONTENT_TYPE, "application/json"));
    return ByteBuffer.wrap(body(message(status)));
  }
}
