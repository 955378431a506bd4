import dev.solo.api.Context;
import dev.solo.api.Reply;
import dev.solo.api.Request;
import dev.solo.api.Service;
import java.nio.charset.StandardCharsets;

/**
 * A durable counter. {@code increment} adds its body (an integer, default 1) and returns the new
 * total; {@code get} returns the total. The total lives in the service's key-value store under
 * {@code count}, so it survives kills of the server, restarts and hot swaps.
 */
public class Counter implements Service {

  @Override
  public Reply handle(Request request, Context ctx) {
    switch (request.method()) {
      case "increment": {
        String text = request.text().trim();
        long by;
        try {
          by = text.isEmpty() ? 1 : Long.parseLong(text);
        } catch (NumberFormatException e) {
          return Reply.status(400, "increment takes an integer body, got: " + text);
        }
        long total = read(ctx) + by;
        ctx.kv().put("count", Long.toString(total).getBytes(StandardCharsets.UTF_8));
        return Reply.ok(Long.toString(total));
      }
      case "get":
        return Reply.ok(Long.toString(read(ctx)));
      default:
        return Reply.status(404, "no method " + request.method() + "; try increment or get");
    }
  }

  private static long read(Context ctx) {
    return ctx.kv().get("count")
        .map(bytes -> Long.parseLong(new String(bytes, StandardCharsets.UTF_8)))
        .orElse(0L);
  }
}
