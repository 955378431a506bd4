package dev.solo.api;

/**
 * A service deployed into Solo. The kernel creates one instance per live version, calls
 * {@link #start} once, then {@link #handle} one request at a time.
 *
 * <p>State kept in fields survives a hot swap or a graceful restart only through
 * {@link #snapshot} and {@link #restore}; durable state belongs in {@link Context#kv()}.
 */
public interface Service {

  /** Called once per instance, before the first request. */
  default void start(Context ctx) throws Exception {}

  /** {@return the reply to one request}; the kernel never calls this concurrently on one instance. */
  Reply handle(Request request, Context ctx) throws Exception;

  /** {@return the in-memory state to carry across a hot swap or a graceful restart} */
  default byte[] snapshot() {
    return new byte[0];
  }

  /** Takes back the state that {@link #snapshot} produced, possibly by an earlier version. */
  default void restore(byte[] state) throws Exception {}

  /** Called once when the instance is retired: kill, swap or server shutdown. */
  default void stop(String reason) {}
}
