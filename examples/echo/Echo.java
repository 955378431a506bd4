import dev.solo.api.Context;
import dev.solo.api.MethodSpec;
import dev.solo.api.Reply;
import dev.solo.api.Request;
import dev.solo.api.Service;
import java.util.Map;

/** Replies to every request with its body, whatever the method. */
public class Echo implements Service {
  @Override
  public Map<String, MethodSpec> methods() {
    return Map.of("echo", new MethodSpec(
        "Returns its request body unchanged: the arguments come back as they were sent.",
        "{\"type\": \"object\", \"additionalProperties\": true}",
        true));
  }

  @Override
  public Reply handle(Request request, Context ctx) {
    return Reply.ok(request.body());
  }
}
