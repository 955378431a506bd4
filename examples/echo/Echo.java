import dev.solo.api.Context;
import dev.solo.api.Reply;
import dev.solo.api.Request;
import dev.solo.api.Service;

/** Replies to every request with its body, whatever the method. */
public class Echo implements Service {
  @Override
  public Reply handle(Request request, Context ctx) {
    return Reply.ok(request.body());
  }
}
