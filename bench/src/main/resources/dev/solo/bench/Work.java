import dev.solo.api.Context;
import dev.solo.api.Reply;
import dev.solo.api.Request;
import dev.solo.api.Service;

/** CPU work of a size the caller names: the request body is the number of rounds of a hash loop. */
public class Work implements Service {
  @Override
  public Reply handle(Request request, Context ctx) {
    String text = request.text();
    long rounds = text.isEmpty() ? 0 : Long.parseLong(text);
    long hash = 1125899906842597L;
    for (long i = 0; i < rounds; i++) {
      hash = hash * 6364136223846793005L + 1442695040888963407L;
      hash ^= hash >>> 29;
    }
    return Reply.ok(Long.toHexString(hash));
  }
}
