package dev.solo.api;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * A request to a service.
 *
 * @param method the method name the caller chose, for example {@code increment}
 * @param body the request body, never null
 * @param headers request headers, never null
 */
public record Request(String method, byte[] body, Map<String, String> headers) {

  /** Checks the method name and copies the headers; a null body or header map becomes empty. */
  public Request {
    Objects.requireNonNull(method, "method");
    body = body == null ? new byte[0] : body;
    headers = headers == null ? Map.of() : Map.copyOf(headers);
  }

  /** {@return a request with a UTF-8 text body and no headers} */
  public static Request of(String method, String text) {
    return new Request(method, text.getBytes(StandardCharsets.UTF_8), Map.of());
  }

  /** {@return the body as UTF-8 text} */
  public String text() {
    return new String(body, StandardCharsets.UTF_8);
  }
}
