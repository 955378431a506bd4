import dev.solo.api.Context;
import dev.solo.api.MethodSpec;
import dev.solo.api.Reply;
import dev.solo.api.Request;
import dev.solo.api.Service;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * A durable counter. {@code increment} adds its body (an integer, or JSON such as {@code {"by": 5}};
 * default 1) and returns the new total; {@code get} returns the total. The total lives in the
 * service's key-value store under {@code count}, so it survives kills of the server, restarts and
 * hot swaps.
 */
public class Counter implements Service {

  @Override
  public Map<String, MethodSpec> methods() {
    return Map.of(
        "increment", new MethodSpec(
            "Adds `by` (default 1) to the durable total and returns the new total.",
            """
            {"type": "object",
             "properties": {"by": {"type": "integer", "description": "How much to add; default 1."}},
             "additionalProperties": false}""",
            false),
        "get", new MethodSpec("Returns the durable total.", "{\"type\": \"object\"}", true));
  }

  @Override
  public Reply handle(Request request, Context ctx) {
    switch (request.method()) {
      case "increment": {
        Long by = amount(request.text());
        if (by == null) {
          return Reply.status(400, "increment takes an integer body, got: " + request.text().trim());
        }
        long total = read(ctx) + by;
        ctx.kv().put("count", Long.toString(total).getBytes(StandardCharsets.UTF_8));
        ctx.log().info("incremented by " + by + " to " + total);
        return Reply.ok(Long.toString(total));
      }
      case "get":
        return Reply.ok(Long.toString(read(ctx)));
      default:
        return Reply.status(404, "no method " + request.method() + "; try increment or get");
    }
  }

  /** The amount a body asks for: empty for 1, an integer, or {@code {"by": N}}; null if none of these. */
  private static Long amount(String body) {
    String text = body.trim();
    if (text.startsWith("{") && text.endsWith("}")) {
      // {"by": N} from an agent's tool call; {} for the default
      int colon = text.indexOf(':');
      text = text.substring(colon < 0 ? 1 : colon + 1, text.length() - 1).trim();
    }
    if (text.isEmpty()) {
      return 1L;
    }
    try {
      return Long.parseLong(text);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static long read(Context ctx) {
    return ctx.kv().get("count")
        .map(bytes -> Long.parseLong(new String(bytes, StandardCharsets.UTF_8)))
        .orElse(0L);
  }
}
