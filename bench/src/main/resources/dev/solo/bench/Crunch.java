import dev.solo.api.Context;
import dev.solo.api.Reply;
import dev.solo.api.Request;
import dev.solo.api.Service;
import java.util.Arrays;

/** A compute-heavy service: sorts 100,000 pseudo-random ints, then runs a hash loop. */
public class Crunch implements Service {
  @Override
  public Reply handle(Request request, Context ctx) {
    int[] values = new int[100_000];
    long seed = 42;
    for (int i = 0; i < values.length; i++) {
      seed = seed * 6364136223846793005L + 1442695040888963407L;
      values[i] = (int) (seed >>> 33);
    }
    Arrays.sort(values);
    long hash = 1125899906842597L;
    for (int round = 0; round < 20; round++) {
      for (int value : values) {
        hash = 31 * hash + value;
        hash ^= hash >>> 29;
      }
    }
    return Reply.ok(Long.toHexString(hash));
  }
}
