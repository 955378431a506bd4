import dev.solo.api.Context;
import dev.solo.api.MethodSpec;
import dev.solo.api.Reply;
import dev.solo.api.Request;
import dev.solo.api.Service;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A counter kept in memory. Its total survives a graceful restart or a hot swap because
 * {@link #snapshot} writes it out (as decimal UTF-8 text) and {@link #restore} reads it back.
 * After a crash (kill -9) it is back at the total of the last snapshot.
 */
public class Tally implements Service {
  private long total;

  @Override
  public Map<String, MethodSpec> methods() {
    return Map.of(
        "increment", new MethodSpec(
            "Adds `by` (default 1) to the in-memory total and returns the new total.",
            "{\"type\": \"object\", \"properties\": {\"by\": {\"type\": \"integer\"}}, \"additionalProperties\": false}",
            false),
        "get", new MethodSpec("Returns the in-memory total.", "{\"type\": \"object\"}", true));
  }

  @Override
  public Reply handle(Request request, Context ctx) {
    switch (request.method()) {
      case "increment": {
        String text = request.text().trim();
        if (text.startsWith("{") && text.endsWith("}")) {
          // {"by": N} from an agent's tool call; {} for the default
          int colon = text.indexOf(':');
          text = text.substring(colon < 0 ? 1 : colon + 1, text.length() - 1).trim();
        }
        try {
          total += text.isEmpty() ? 1 : Long.parseLong(text);
        } catch (NumberFormatException e) {
          return Reply.status(400, "increment takes an integer body, got: " + request.text().trim());
        }
        return Reply.ok(Long.toString(total));
      }
      case "get":
        return Reply.ok(Long.toString(total));
      default:
        return Reply.status(404, "no method " + request.method() + "; try increment or get");
    }
  }

  @Override
  public byte[] snapshot() {
    return Long.toString(total).getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void restore(byte[] state) {
    String text = new String(state, StandardCharsets.UTF_8).trim();
    total = text.isEmpty() ? 0 : Long.parseLong(text);
  }
}
