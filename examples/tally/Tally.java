import dev.solo.api.Reply;
import dev.solo.api.Request;
import dev.solo.api.Service;
import dev.solo.api.Context;
import java.nio.charset.StandardCharsets;

/**
 * A counter kept in memory. Its total survives a graceful restart or a hot swap because
 * {@link #snapshot} writes it out (as decimal UTF-8 text) and {@link #restore} reads it back.
 * After a crash (kill -9) it is back at the total of the last snapshot.
 */
public class Tally implements Service {
  private long total;

  @Override
  public Reply handle(Request request, Context ctx) {
    switch (request.method()) {
      case "increment": {
        String text = request.text().trim();
        try {
          total += text.isEmpty() ? 1 : Long.parseLong(text);
        } catch (NumberFormatException e) {
          return Reply.status(400, "increment takes an integer body, got: " + text);
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
