package dev.solo.api;

import java.util.Map;

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

  /**
   * {@return the methods this service describes, by method name} The kernel calls this once,
   * before {@link #start}, when a version is deployed, and keeps the answer with the version;
   * listing or describing services never runs it again. A method name is 1 to 48 of
   * {@code [a-z0-9_]}, starting with a letter; at most 64 methods. Methods left out can still be
   * called, they are only not advertised.
   */
  default Map<String, MethodSpec> methods() {
    return Map.of();
  }
}
