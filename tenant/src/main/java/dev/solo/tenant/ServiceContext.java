package dev.solo.tenant;

import dev.solo.api.Context;
import dev.solo.api.Kv;
import dev.solo.api.Log;
import dev.solo.api.Reply;
import dev.solo.api.Request;
import dev.solo.capability.Names;
import dev.solo.capability.Permission;
import dev.solo.capability.vault.SecretVault;
import dev.solo.eventstore.EventStore;
import dev.solo.proto.v1.Event;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link Context} one service instance sees. Its methods run on tenant-code threads, where
 * blocking is allowed: a nested call or an emit waits, with a deadline, for its answer.
 */
final class ServiceContext implements Context {
  private static final Logger SERVICE_LOG = LoggerFactory.getLogger("dev.solo.service");
  private static final Pattern CUSTOM_TYPE = Pattern.compile("[a-z][a-z0-9_.]{0,62}");
  private static final int MAX_ATTRIBUTES = 32;
  private static final int MAX_ATTRIBUTE_CHARS = 1024;
  /** A nested call gets at most this long, and never more than the outer call has left. */
  private static final Duration NESTED_CALL_TIMEOUT = Duration.ofSeconds(10);

  private final ServiceKey key;
  private final int version;
  private final Set<String> grants;
  private final TenantRuntime runtime;
  private final Scheduler scheduler;
  private final Kv kv;
  private final Log log;
  private volatile Instant callDeadline;

  /** A context whose {@code log()} lines are also kept in {@code logs}, for {@code solo logs}. */
  ServiceContext(ServiceKey key, int version, Set<String> grants, TenantRuntime runtime, Scheduler scheduler,
      ServiceLogs logs) {
    this.key = key;
    this.version = version;
    this.grants = Set.copyOf(grants);
    this.runtime = runtime;
    this.scheduler = scheduler;
    this.kv = runtime.kv().kv(key.tenant(), key.service(), () -> runtime.limitsOf(key.tenant()).kvBytes());
    this.log = new ServiceLog(key, version, logs, runtime.clock());
  }

  void beginCall(Instant deadline) {
    callDeadline = deadline;
  }

  void endCall() {
    callDeadline = null;
  }

  @Override
  public String tenant() {
    return key.tenant();
  }

  @Override
  public String service() {
    return key.service();
  }

  @Override
  public String version() {
    return Integer.toString(version);
  }

  @Override
  public Kv kv() {
    return kv;
  }

  @Override
  public Reply call(String service, Request request) {
    if (service == null || request == null) {
      throw new NullPointerException(service == null ? "service" : "request");
    }
    if (service.equals(key.service())) {
      throw new IllegalArgumentException("a service cannot call itself: it handles one request at a time");
    }
    Instant now = runtime.clock().instant();
    Instant deadline = now.plus(NESTED_CALL_TIMEOUT);
    Instant outer = callDeadline;
    if (outer != null && outer.isBefore(deadline)) {
      deadline = outer;
    }
    Duration left = Duration.between(now, deadline);
    if (left.isNegative() || left.isZero()) {
      throw new IllegalStateException("no time left to call " + service + ": the current call's deadline has passed");
    }
    ServiceKey target = ServiceKey.of(key.tenant(), service);
    Instant callDeadline = deadline;
    CallOutcome outcome = await(
        runtime.services().lookup(target)
            .map(ref -> AskPattern.<ServiceActor.Command, CallOutcome>ask(
                    ref, replyTo -> new ServiceActor.Call(request, callDeadline, replyTo), left, scheduler)
                .toCompletableFuture())
            .orElseGet(() -> java.util.concurrent.CompletableFuture.completedFuture(
                CallOutcome.failed(CallOutcome.Failure.NOT_FOUND, "no service " + service))),
        left,
        "call " + service);
    if (outcome instanceof CallOutcome.Replied replied) {
      return replied.reply();
    }
    CallOutcome.Failed failed = (CallOutcome.Failed) outcome;
    throw new IllegalStateException("call to " + service + " failed: " + failed.failure() + ": " + failed.reason());
  }

  @Override
  public void publish(String topic, byte[] payload) {
    throw new UnsupportedOperationException("publish is not available yet in this version of Solo");
  }

  @Override
  public void schedule(Duration delay, Request request) {
    throw new UnsupportedOperationException("schedule is not available yet in this version of Solo");
  }

  @Override
  public void emit(String type, Map<String, String> attributes) {
    if (type == null || !CUSTOM_TYPE.matcher(type).matches()) {
      throw new IllegalArgumentException("an event type is 1 to 63 of [a-z0-9_.] starting with a letter, got " + type);
    }
    Map<String, String> copy = Map.copyOf(attributes == null ? Map.of() : attributes);
    if (copy.size() > MAX_ATTRIBUTES) {
      throw new IllegalArgumentException("an event holds at most " + MAX_ATTRIBUTES + " attributes, got " + copy.size());
    }
    copy.forEach((k, v) -> {
      if (k.length() > MAX_ATTRIBUTE_CHARS || v.length() > MAX_ATTRIBUTE_CHARS) {
        throw new IllegalArgumentException("event attribute keys and values hold at most " + MAX_ATTRIBUTE_CHARS + " characters");
      }
    });
    Event draft = EventStore.draft(
        key.tenant(), "custom." + type, key.service(), copy, "service:" + key, 0);
    Duration timeout = Duration.ofSeconds(10);
    await(EventStore.append(runtime.events(), draft, timeout).toCompletableFuture(), timeout, "emit " + type);
  }

  @Override
  public Log log() {
    return log;
  }

  @Override
  public long now() {
    return runtime.clock().millis();
  }

  /**
   * Reads a secret of this tenant, only if the service was deployed with {@code secret.read:NAME}
   * or {@code secret.read:*}. Every read, allowed or not, is an event; the value never is.
   */
  @Override
  public Optional<String> secret(String name) {
    if (name == null) {
      throw new NullPointerException("name");
    }
    if (!Names.isValidSecret(name)) {
      throw new IllegalArgumentException("not a secret name: " + (name.length() > 64 ? name.substring(0, 64) + "..." : name));
    }
    if (!Permission.implies(grants, "secret.read:" + name)) {
      recordSecretAccess("secret_access_denied", name, Map.of("reason", "the service was not deployed with secret.read:" + name));
      return Optional.empty();
    }
    Duration timeout = Duration.ofSeconds(10);
    Optional<byte[]> value = await(
        AskPattern.<SecretVault.Command, Optional<byte[]>>ask(
                runtime.secrets(), replyTo -> new SecretVault.Get(key.tenant(), name, replyTo), timeout, scheduler)
            .toCompletableFuture(),
        timeout,
        "read secret " + name);
    recordSecretAccess("secret_accessed", name, Map.of("found", Boolean.toString(value.isPresent())));
    return value.map(bytes -> new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
  }

  /** Appended without waiting: an access log must not slow the call down. */
  private void recordSecretAccess(String type, String name, Map<String, String> attributes) {
    Map<String, String> all = new java.util.LinkedHashMap<>(attributes);
    all.put("service", key.service());
    EventStore.append(runtime.events(), EventStore.draft(key.tenant(), type, name, all, "service:" + key, 0),
        Duration.ofSeconds(10));
  }

  private static <T> T await(java.util.concurrent.CompletableFuture<T> future, Duration timeout, String what) {
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IllegalStateException(what + " missed its deadline of " + timeout.toMillis() + " ms");
    } catch (ExecutionException e) {
      throw new IllegalStateException(what + " failed: " + TenantCode.describe(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(what + " was interrupted");
    }
  }

  /** A service's log lines, tagged with tenant, service and version, and kept for {@code solo logs}. */
  private record ServiceLog(ServiceKey key, int version, ServiceLogs logs, java.time.Clock clock) implements Log {
    @Override
    public void info(String msg) {
      SERVICE_LOG.info("[{} v{}] {}", key, version, msg);
      logs.append(key.service(), version, "INFO", msg, clock.millis());
    }

    @Override
    public void warn(String msg) {
      SERVICE_LOG.warn("[{} v{}] {}", key, version, msg);
      logs.append(key.service(), version, "WARN", msg, clock.millis());
    }

    @Override
    public void error(String msg) {
      SERVICE_LOG.error("[{} v{}] {}", key, version, msg);
      logs.append(key.service(), version, "ERROR", msg, clock.millis());
    }
  }
}
