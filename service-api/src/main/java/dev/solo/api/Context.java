package dev.solo.api;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** What a service may reach: only what it was granted. */
public interface Context {
  /** {@return the tenant that owns this service} */
  String tenant();

  /** {@return this service's name} */
  String service();

  /** {@return this instance's version number, as text} */
  String version();

  /** {@return this service's durable key-value store: namespaced, persistent, with a quota} */
  Kv kv();

  /**
   * Calls another service of the same tenant and waits for its reply, with a deadline.
   *
   * @throws IllegalStateException if the service does not exist, fails or misses the deadline
   */
  Reply call(String service, Request request);

  /** Publishes to the tenant's message bus; subscriptions are declared at deploy. */
  void publish(String topic, byte[] payload);

  /** Delivers {@code request} to this service after {@code delay}. */
  void schedule(Duration delay, Request request);

  /** Records a custom audit event of type {@code custom.<type>} in the event log. */
  void emit(String type, Map<String, String> attributes);

  /** {@return this service's log} */
  Log log();

  /** {@return the kernel clock, in epoch milliseconds} */
  long now();

  /** {@return the secret's value, only if this service was granted {@code secret.read} for it} */
  Optional<String> secret(String name);
}
