package dev.solo.api;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A service's answer to one request.
 *
 * @param status an HTTP-like status chosen by the service: 200 for success
 * @param body the reply body, never null
 * @param headers reply headers, never null
 */
public record Reply(int status, byte[] body, Map<String, String> headers) {

  /** Copies the headers; a null body or header map becomes empty. */
  public Reply {
    body = body == null ? new byte[0] : body;
    headers = headers == null ? Map.of() : Map.copyOf(headers);
  }

  /** {@return a 200 reply with a UTF-8 text body} */
  public static Reply ok(String text) {
    return status(200, text);
  }

  /** {@return a 200 reply with the given body} */
  public static Reply ok(byte[] body) {
    return new Reply(200, body, Map.of());
  }

  /** {@return a reply with the given status and a UTF-8 text body} */
  public static Reply status(int status, String text) {
    return new Reply(status, text.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  /** {@return the body as UTF-8 text} */
  public String text() {
    return new String(body, StandardCharsets.UTF_8);
  }
}
