package dev.solo.client;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A service's reply to one call.
 *
 * @param status the HTTP-like status the service chose: 200 for success
 * @param body the reply body
 * @param headers the reply headers
 * @param version the version of the service that answered
 */
public record CallResult(int status, byte[] body, Map<String, String> headers, int version) {

  /** Copies the headers; a null body or header map becomes empty. */
  public CallResult {
    body = body == null ? new byte[0] : body;
    headers = headers == null ? Map.of() : Map.copyOf(headers);
  }

  static CallResult from(dev.solo.proto.v1.CallResponse r) {
    return new CallResult(r.getStatus(), r.getBody().toByteArray(), r.getHeadersMap(), r.getVersion());
  }

  /** {@return the body as UTF-8 text} */
  public String text() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /** {@return true if the status is below 400} */
  public boolean ok() {
    return status < 400;
  }
}
