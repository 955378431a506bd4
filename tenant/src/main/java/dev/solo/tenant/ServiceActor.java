package dev.solo.tenant;

import dev.solo.api.Reply;
import dev.solo.api.Request;
import dev.solo.api.Service;
import dev.solo.deploy.ServiceClassLoader;
import dev.solo.deploy.ServiceLoadException;
import dev.solo.hardening.Finding;
import dev.solo.proto.state.v1.StoredMethod;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one version of one service: loads it into its own class loader, starts it, and hands it
 * one request at a time. Tenant code never runs on this actor's thread: each step goes to the
 * tenant-code executor and comes back as a message. Requests wait in a queue bounded by the
 * tenant's limit; beyond it the caller is refused at once.
 */
public final class ServiceActor extends AbstractBehavior<ServiceActor.Command> {
  // Used from tenant-code threads, where the actor context must not be touched.
  private static final Logger LOG = LoggerFactory.getLogger(ServiceActor.class);

  /** The service actor's protocol. */
  public sealed interface Command
      permits Call, Stop, Quarantine, GetStatus, Swap, Started, StartFailed, CallFinished, Stopped, Violation, Prepared,
          PrepareFailed, Transferred, TransferFailed, WatchEnded, RollbackReady, RollbackFailed {}

  /**
   * Swaps the running instance for {@code toVersion} (a new version, or a kept one to roll back
   * to). The new instance is loaded and constructed first; only then are requests stashed, the
   * old instance's {@code snapshot()} restored into the new one, the new one started, and the
   * stash replayed in order. If the new version cannot take the state, nothing changes. With a
   * {@code watchdog} window, a failure of the new version within it rolls back (see
   * {@link RolledBack}); at its end the swap is {@link Committed}.
   */
  public record Swap(long requestId, int toVersion, String artifactHash, Set<String> grants, boolean describeMethods,
      Duration watchdog, ActorRef<SwapResult> replyTo) implements Command {
    /** Copies the grants. */
    public Swap {
      grants = Set.copyOf(grants);
    }
  }

  /** The answer to a {@link Swap}. */
  public sealed interface SwapResult {
    /** {@return the request this answers} */
    long requestId();
  }

  /** The new version runs; {@code pauseNanos} is how long requests were held. */
  public record SwapDone(long requestId, int fromVersion, int toVersion, List<StoredMethod> methods, long pauseNanos)
      implements SwapResult {
    /** Copies the methods. */
    public SwapDone {
      methods = List.copyOf(methods);
    }
  }

  /**
   * The swap did not happen and the old version runs on. {@code afterStash} if the new version
   * failed once requests were held (its {@code restore} or {@code start}, or the old version's
   * {@code snapshot}): a rollback to record. {@code findings} if its {@code methods()} was refused.
   */
  public record SwapFailed(long requestId, String reason, boolean afterStash, List<Finding> findings) implements SwapResult {
    /** Copies the findings. */
    public SwapFailed {
      findings = List.copyOf(findings);
    }
  }

  /**
   * Runs one request; the caller gets the outcome, never an exception. {@code callId} names the
   * call in the log lines written while its tenant code runs; empty if it has none.
   */
  public record Call(Request request, Instant deadline, ActorRef<CallOutcome> replyTo, String callId) implements Command {
    /** A call without an id. */
    public Call(Request request, Instant deadline, ActorRef<CallOutcome> replyTo) {
      this(request, deadline, replyTo, "");
    }
  }

  /**
   * Retires the instance. With {@code drain}, queued requests run first (graceful shutdown);
   * without, they fail (kill). With {@code keepState}, the instance's {@code snapshot()} is saved
   * for the next start.
   */
  public record Stop(String reason, boolean drain, boolean keepState, ActorRef<Done> replyTo) implements Command {}

  /**
   * Retires the instance with its state saved, and stays to answer every call with why the
   * service is quarantined, running no tenant code, until it is stopped.
   */
  public record Quarantine(String reason, ActorRef<Done> replyTo) implements Command {}

  /** Asks for the service's counters. */
  public record GetStatus(ActorRef<Status> replyTo) implements Command {}

  /** A service's counters, for {@code solo status}. */
  public record Status(ServiceKey key, int version, String state, long calls, long errors, int queueDepth, long startedUnixMs,
      String lastError, CircuitBreaker.State breaker, long cpuNanos, long allocatedBytes, long tenantKvBytes) {}

  /** What a service actor tells its tenant supervisor about its start. */
  public sealed interface Lifecycle {
    /** {@return the service} */
    ServiceKey key();
  }

  /**
   * A version failed within its watchdog window and {@code toVersion} runs again, with the state
   * {@code stateFrom} names. {@code causationId} is the event of the failure, 0 if none was stored.
   */
  public record RolledBack(ServiceKey key, int fromVersion, int toVersion, String cause, String stateFrom, long causationId)
      implements Lifecycle {}

  /** A swap's watchdog window ended without a failure: {@code version} stays. */
  public record Committed(ServiceKey key, int version) implements Lifecycle {}

  /**
   * The instance started and takes requests; {@code methods} is what its {@code methods()}
   * described, checked, if it was asked ({@link StartOptions#describeMethods()}), else empty.
   */
  public record Running(ServiceKey key, int version, ActorRef<Command> ref, List<StoredMethod> methods) implements Lifecycle {
    /** Copies the methods. */
    public Running {
      methods = List.copyOf(methods);
    }
  }

  /**
   * The instance could not be loaded or started; {@code reason} is safe to show to the tenant.
   * {@code findings} are set when its {@code methods()} was refused (rule DEPLOY-METHODS); they
   * name no file yet.
   */
  public record Failed(ServiceKey key, int version, String reason, List<Finding> findings) implements Lifecycle {
    /** Copies the findings. */
    public Failed {
      findings = List.copyOf(findings);
    }
  }

  /**
   * How a service actor starts its version.
   *
   * @param restoreState whether to restore the state saved at the last graceful stop
   * @param describeMethods whether to call {@code methods()} once, before {@code start()}, and
   *     check it: a new version does, a restarted one has its methods stored already
   * @param logs where the instance's {@code ctx.log()} lines are kept
   */
  public record StartOptions(boolean restoreState, boolean describeMethods, ServiceLogs logs) {}

  private record Started(Service instance, ServiceContext context, List<StoredMethod> methods) implements Command {}

  private record StartFailed(String reason, List<Finding> findings) implements Command {
    StartFailed(String reason) {
      this(reason, List.of());
    }
  }

  /** A constructed instance and what it described, before its start. */
  private record Described(ServiceClassLoader loader, Service service, List<StoredMethod> methods) {}

  /**
   * A call ended. {@code fault} if the service is to blame (it threw, or ran out of a budget): the
   * breaker counts it. {@code crashed} if it threw an {@link Error}: the instance is not trusted
   * with another call, and its supervisor restarts it.
   */
  private record CallFinished(Call call, CallOutcome outcome, boolean fault, boolean crashed) implements Command {}

  /** A limit the instance ran into outside a call, reported from a tenant-code thread. */
  private record Violation(String limit, String detail) implements Command {}

  /** An {@link Error} thrown by {@code handle()}: the instance is discarded and restarted. */
  private static final class CrashException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CrashException(String message) {
      super(message, null, false, false);
    }
  }

  private record Stopped() implements Command {}

  private record Prepared(Swap swap, Described described, ServiceContext context) implements Command {}

  private record PrepareFailed(Swap swap, StartFailed failure) implements Command {}

  private record Transferred(long id, Service fresh, ServiceContext context, byte[] preSwapState) implements Command {}

  private record TransferFailed(long id, String reason) implements Command {}

  private record WatchEnded(long id) implements Command {}

  private record RollbackReady(long id, Service instance, ServiceContext context, String stateFrom) implements Command {}

  private record RollbackFailed(long id, String reason) implements Command {}

  /** The version a swap under watch came from, and the state it had then, for a rollback. */
  private record Watch(long id, int version, String artifactHash, Set<String> grants, byte[] preSwapState) {}

  /** What a SWAPPING actor does once no call runs. */
  private sealed interface Pending {
    long id();
  }

  private record PendingSwap(long id, Swap swap, Described described, ServiceContext context, long pauseStart)
      implements Pending {}

  private record PendingRollback(long id, Watch watch, String cause, boolean askNewState, CompletionStage<Long> causation)
      implements Pending {}

  /** A restored instance of the version rolled back to, and whose state it holds. */
  private record Candidate(Service instance, String stateFrom) {}

  private enum State { STARTING, RUNNING, SWAPPING, FAILED, STOPPING, QUARANTINED }

  private final TenantRuntime runtime;
  private final ServiceKey key;
  private final ActorRef<Lifecycle> parent;
  private final ServiceLogs logs;
  /** The version running now, its artifact and its grants: a swap changes them. */
  private int version;
  private String artifactHash;
  private Set<String> grants;
  private Pending pending;
  private boolean transferring;
  private Watch watch;
  private long swapIds;
  private final ArrayDeque<Call> queue = new ArrayDeque<>();
  private final List<ActorRef<Done>> stopWaiters = new ArrayList<>();
  private final CircuitBreaker breaker;
  /** What this actor's calls used, across versions and swaps. */
  private final ResourceUse use;
  /** When each limit was last reported as a resource_violation, and how many since then were not. */
  private final Map<String, long[]> violations = new java.util.HashMap<>();

  private State state = State.STARTING;
  private Service instance;
  private ServiceContext serviceContext;
  private Call running;
  private Stop pendingStop;
  private long calls;
  private long errors;
  private long startedUnixMs;
  private String lastError = "";
  private String quarantineReason;

  /** {@return a service actor that starts the given version at once, as {@code options} say} */
  public static Behavior<Command> create(TenantRuntime runtime, ServiceKey key, int version, String artifactHash,
      Set<String> grants, StartOptions options, ActorRef<Lifecycle> parent) {
    return Behaviors.setup(context -> new ServiceActor(context, runtime, key, version, artifactHash, grants, options, parent));
  }

  /** {@return a service actor for a quarantined version}: it loads nothing and runs no tenant code */
  public static Behavior<Command> quarantined(
      TenantRuntime runtime, ServiceKey key, int version, String reason, ActorRef<Lifecycle> parent) {
    return Behaviors.setup(context -> new ServiceActor(context, runtime, key, version, reason, parent));
  }

  private ServiceActor(ActorContext<Command> context, TenantRuntime runtime, ServiceKey key, int version, String reason,
      ActorRef<Lifecycle> parent) {
    super(context);
    this.runtime = runtime;
    this.key = key;
    this.version = version;
    this.parent = parent;
    this.use = new ResourceUse(key);
    this.logs = new ServiceLogs(ServiceLogs.Limits.defaults());
    this.breaker = new CircuitBreaker(runtime.limitsOf(key.tenant()).breaker(), System::nanoTime, this::breakerChanged);
    this.state = State.QUARANTINED;
    this.quarantineReason = reason;
  }

  private ServiceActor(
      ActorContext<Command> context,
      TenantRuntime runtime,
      ServiceKey key,
      int version,
      String artifactHash,
      Set<String> grants,
      StartOptions options,
      ActorRef<Lifecycle> parent) {
    super(context);
    this.runtime = runtime;
    this.key = key;
    this.version = version;
    this.artifactHash = artifactHash;
    this.grants = Set.copyOf(grants);
    this.parent = parent;
    this.use = new ResourceUse(key);
    this.logs = options.logs();
    this.breaker = new CircuitBreaker(runtime.limitsOf(key.tenant()).breaker(), System::nanoTime, this::breakerChanged);
    ServiceContext serviceContext =
        new ServiceContext(key, version, grants, runtime, context.getSystem().scheduler(), options.logs());
    // methods() runs before start() under a budget of its own, so a refused description leaves
    // nothing behind that start() could have done.
    CompletableFuture<Started> started = CompletableFuture
        .supplyAsync(() -> load(version, artifactHash), runtime.deployExecutor())
        .thenCompose(loader -> options.describeMethods()
            ? runtime.tenantCode().run(limits().budget(), "methods() of " + key + " v" + version, () -> describe(loader))
            : CompletableFuture.completedFuture(new Described(loader, null, List.of())))
        .thenCompose(described -> runtime.tenantCode().run(limits().budget(), "start of " + key + " v" + version,
            () -> startInstance(described, options.restoreState(), serviceContext)));
    context.pipeToSelf(started, (done, failure) -> done != null ? done : startFailed(failure));
  }

  private static StartFailed startFailed(Throwable failure) {
    Throwable t = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    return t instanceof ServiceMethods.Refused refused
        ? new StartFailed("its methods() was refused: " + refused.findings().get(0).message(), refused.findings())
        : new StartFailed(TenantCode.describe(failure));
  }

  /** Runs on a tenant-code thread, under a budget of its own: constructs the instance and reads its methods(). */
  private Described describe(ServiceClassLoader loader) {
    Service service = newInstance(loader);
    try {
      return new Described(loader, service, ServiceMethods.read(service));
    } catch (Throwable t) {
      throw ServiceMethods.refusal(t);
    }
  }

  /** Runs on the deploy executor: reading and verifying the artifact is host work, not the tenant's. */
  private ServiceClassLoader load(int version, String artifactHash) {
    try {
      ServiceClassLoader loader = runtime.pipeline().load(key.tenant(), version, artifactHash);
      runtime.loaders().loaded(key, version, loader);
      return loader;
    } catch (Exception e) {
      throw new TenantCode.StartException("version " + version + " could not be loaded: " + TenantCode.describe(e));
    }
  }

  /** Runs on a tenant-code thread, under the budget. */
  private static Service newInstance(ServiceClassLoader loader) {
    try {
      return loader.newInstance();
    } catch (ServiceLoadException e) {
      TenantCode.rethrowBudget(e.getCause());
      throw new TenantCode.StartException(e.getMessage());
    }
  }

  /** Runs on a tenant-code thread, under the budget. */
  private Started startInstance(Described described, boolean restoreState, ServiceContext serviceContext) {
    Service service = described.service() != null ? described.service() : newInstance(described.loader());
    Optional<KvStore.SavedState> saved = restoreState ? runtime.kv().loadState(key.tenant(), key.service()) : Optional.empty();
    if (saved.isPresent()) {
      try {
        restore(service, saved.get().state());
      } catch (TenantCode.StartException e) {
        if (saved.get().version() == version) {
          throw e;
        }
        // Saved by another version (a graceful stop within a swap's window, which restarts at
        // the version before): a state this version cannot read is dropped, not a crash loop.
        LOG.warn("{} v{} could not restore the state saved by v{} and starts without it: {}", key, version,
            saved.get().version(), e.getMessage());
        service = newInstance(described.loader());
      }
    }
    try {
      service.start(serviceContext);
    } catch (Throwable t) {
      TenantCode.rethrowBudget(t);
      throw new TenantCode.StartException("start() threw " + TenantCode.describe(t));
    }
    return new Started(service, serviceContext, described.methods());
  }

  private static void restore(Service service, byte[] state) {
    try {
      service.restore(state);
    } catch (Throwable t) {
      TenantCode.rethrowBudget(t);
      throw new TenantCode.StartException("restore() threw " + TenantCode.describe(t));
    }
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Call.class, this::onCall)
        .onMessage(Stop.class, this::onStop)
        .onMessage(Quarantine.class, this::onQuarantine)
        .onMessage(Swap.class, this::onSwap)
        .onMessage(Prepared.class, this::onPrepared)
        .onMessage(PrepareFailed.class, this::onPrepareFailed)
        .onMessage(Transferred.class, this::onTransferred)
        .onMessage(TransferFailed.class, this::onTransferFailed)
        .onMessage(WatchEnded.class, this::onWatchEnded)
        .onMessage(RollbackReady.class, this::onRollbackReady)
        .onMessage(RollbackFailed.class, this::onRollbackFailed)
        .onMessage(GetStatus.class, this::onGetStatus)
        .onMessage(Started.class, this::onStarted)
        .onMessage(StartFailed.class, this::onStartFailed)
        .onMessage(CallFinished.class, this::onCallFinished)
        .onMessage(Stopped.class, this::onStopped)
        .onMessage(Violation.class, v -> {
          violation(v.limit(), v.detail());
          return this;
        })
        .build();
  }

  private Behavior<Command> onCall(Call call) {
    switch (state) {
      case FAILED -> call.replyTo().tell(CallOutcome.failed(CallOutcome.Failure.UNAVAILABLE,
          "service " + key.service() + " is down: " + lastError));
      case STOPPING -> call.replyTo().tell(CallOutcome.failed(CallOutcome.Failure.UNAVAILABLE,
          "service " + key.service() + " is stopping"));
      case QUARANTINED -> call.replyTo().tell(CallOutcome.failed(CallOutcome.Failure.UNAVAILABLE, quarantined()));
      default -> {
        if (breaker.state() == CircuitBreaker.State.OPEN && !breaker.retryAfter().isZero()) {
          // Fails fast: no queueing, no tenant code.
          call.replyTo().tell(CallOutcome.failed(CallOutcome.Failure.UNAVAILABLE, breaker.refusal(key.service())));
        } else {
          enqueue(call);
        }
      }
    }
    return this;
  }

  private void breakerChanged(CircuitBreaker.State from, CircuitBreaker.State to, int failures, String lastFailure) {
    TenantMetrics.breakerState(key, TenantMetrics.BreakerState.valueOf(to.name()));
    String type = switch (to) {
      case OPEN -> "circuit_breaker_opened";
      case HALF_OPEN -> "circuit_breaker_half_open";
      case CLOSED -> "circuit_breaker_closed";
    };
    Map<String, String> attributes = new java.util.LinkedHashMap<>();
    attributes.put("from", from.shown());
    attributes.put("version", Integer.toString(version));
    if (to == CircuitBreaker.State.OPEN) {
      attributes.put("failures", Integer.toString(failures));
      attributes.put("last_failure", lastFailure);
    }
    emit(type, attributes);
  }

  /**
   * Reports a limit the service ran into as a {@code resource_violation} event: at most one per
   * limit per second, with the number not reported since, so a service that loops on a limit
   * cannot flood the log.
   */
  private void violation(String limit, String detail) {
    long now = System.nanoTime();
    long[] last = violations.computeIfAbsent(limit, l -> new long[] {now - 2_000_000_000L, 0});
    if (now - last[0] < 1_000_000_000L) {
      last[1]++;
      return;
    }
    Map<String, String> attributes = new java.util.LinkedHashMap<>();
    attributes.put("limit", limit);
    attributes.put("detail", detail);
    attributes.put("version", Integer.toString(version));
    if (last[1] > 0) {
      attributes.put("not_reported_since", Long.toString(last[1]));
    }
    last[0] = now;
    last[1] = 0;
    emit("resource_violation", attributes);
  }

  private void emit(String type, Map<String, String> attributes) {
    dev.solo.eventstore.EventStore.append(runtime.events(),
        dev.solo.eventstore.EventStore.draft(key.tenant(), type, key.service(), attributes, "kernel", 0),
        java.time.Duration.ofSeconds(15));
  }

  /** {@return the tenant's limits now}: a quota set by the operator applies from the next use */
  private TenantRuntime.Limits limits() {
    return runtime.limitsOf(key.tenant());
  }

  private String quarantined() {
    return "service " + key.service() + " is quarantined (" + quarantineReason + "); an operator can release it: solo service release "
        + key.tenant() + "/" + key.service();
  }

  private void enqueue(Call call) {
    if (queue.size() >= limits().queuePerService()) {
      String reason = "service " + key.service() + " has " + queue.size() + " requests queued, the limit (queue)";
      call.replyTo().tell(CallOutcome.failed(CallOutcome.Failure.RESOURCE_EXHAUSTED, reason));
      violation("queue", reason);
      return;
    }
    queue.add(call);
    runNext();
  }

  private void runNext() {
    if (state == State.SWAPPING) {
      // Requests wait in the queue, in order, while the state moves between instances.
      if (running == null && !transferring) {
        transfer();
      }
      return;
    }
    while (state == State.RUNNING && running == null && !queue.isEmpty()) {
      Call call = queue.poll();
      if (runtime.clock().instant().isAfter(call.deadline())) {
        call.replyTo().tell(CallOutcome.failed(CallOutcome.Failure.DEADLINE_EXCEEDED,
            "the call waited past its deadline in the queue of " + key.service()));
        continue;
      }
      if (breaker.admit() == CircuitBreaker.Admission.REFUSE) {
        call.replyTo().tell(CallOutcome.failed(CallOutcome.Failure.UNAVAILABLE, breaker.refusal(key.service())));
        continue;
      }
      running = call;
      Service service = instance;
      ServiceContext context = serviceContext;
      ActorRef<Command> self = getContext().getSelf();
      runtime.tenantCode().run(limits().budget(), "call of " + key + "." + call.request().method(),
              () -> handleInLogContext(service, context, call), use)
          .whenComplete((outcome, failure) -> {
            // On the thread that ran the call: the caller gets its answer without waiting for
            // this actor to be scheduled. The actor hears of it first, so that anything the
            // caller does next (another call, a status) is handled after this call's bookkeeping.
            CallFinished finished;
            try {
              finished = finished(call, outcome, failure);
            } catch (RuntimeException e) {
              // Whatever happened, the actor must hear that the call ended, or the service would
              // wait for it for ever.
              finished = new CallFinished(call, CallOutcome.failed(CallOutcome.Failure.SERVICE_ERROR,
                  "the call's outcome could not be read: " + e.getClass().getName()), true, false);
            }
            self.tell(finished);
            call.replyTo().tell(finished.outcome());
          });
    }
    if (running == null && pendingStop != null && (queue.isEmpty() || !pendingStop.drain())) {
      retire(pendingStop);
    }
  }

  /** {@return what the call came to}; called on the thread that ran it, so it reads only final fields */
  private CallFinished finished(Call call, CallOutcome outcome, Throwable failure) {
    if (outcome != null) {
      boolean fault = outcome instanceof CallOutcome.Failed failed && failed.failure() == CallOutcome.Failure.SERVICE_ERROR;
      return new CallFinished(call, outcome, fault, false);
    }
    Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
        ? failure.getCause() : failure;
    if (cause instanceof CrashException crash) {
      return new CallFinished(call, CallOutcome.failed(CallOutcome.Failure.SERVICE_ERROR, crash.getMessage()), true, true);
    }
    CallOutcome stopped = TenantCode.outcomeOf(key, failure);
    // A budget trip is the service's fault; a full tenant-code pool is not.
    boolean fault = stopped instanceof CallOutcome.Failed failed && failed.failure() == CallOutcome.Failure.RESOURCE_EXHAUSTED;
    return new CallFinished(call, stopped, fault, false);
  }

  /** Runs on the tenant-code executor: log lines name the call's tenant, service and id. */
  private CallOutcome handleInLogContext(Service service, ServiceContext context, Call call) {
    try (LogContext ignored = LogContext.open(key.tenant(), key.service(), call.callId())) {
      return handle(service, context, call);
    }
  }

  /** Runs on the tenant-code executor. */
  private CallOutcome handle(Service service, ServiceContext context, Call call) {
    Instant wallEnd = runtime.clock().instant().plus(limits().budget().wall());
    context.beginCall(call.deadline().isBefore(wallEnd) ? call.deadline() : wallEnd);
    try {
      Reply reply = service.handle(call.request(), context);
      if (reply == null) {
        return CallOutcome.failed(CallOutcome.Failure.SERVICE_ERROR, "handle() returned null");
      }
      // Still under the budget: raw generics can put anything in a map typed Map<String, String>.
      for (Map.Entry<?, ?> header : reply.headers().entrySet()) {
        if (!(header.getKey() instanceof String) || !(header.getValue() instanceof String)) {
          return CallOutcome.failed(CallOutcome.Failure.SERVICE_ERROR, "reply headers must map strings to strings");
        }
      }
      return new CallOutcome.Replied(reply, version);
    } catch (Throwable t) {
      TenantCode.rethrowBudget(t);
      if (t instanceof KvStore.QuotaExceededException full) {
        // A limit, not a fault of the service: the caller learns which limit.
        return CallOutcome.failed(CallOutcome.Failure.RESOURCE_EXHAUSTED, full.getMessage());
      }
      if (t instanceof Error) {
        throw new CrashException("handle() threw " + TenantCode.describe(t));
      }
      return CallOutcome.failed(CallOutcome.Failure.SERVICE_ERROR, "handle() threw " + TenantCode.describe(t));
    } finally {
      context.endCall();
    }
  }

  private Behavior<Command> onCallFinished(CallFinished finished) {
    running = null;
    calls++;
    if (finished.outcome() instanceof CallOutcome.Failed failed) {
      errors++;
      lastError = failed.reason();
      if (failed.failure() == CallOutcome.Failure.RESOURCE_EXHAUSTED) {
        violation(limitNamed(failed.reason()), failed.reason());
      }
    }
    if (finished.fault()) {
      breaker.onFailure(lastError);
    } else if (finished.outcome() instanceof CallOutcome.Replied) {
      breaker.onSuccess();
    } else {
      breaker.onNeutral();
    }
    // The caller already has its answer (see runNext).
    if (watch != null && (finished.fault() || TenantCode.abandonedThread(finished.outcome()))) {
      // The new version failed within its window: its caller has its error, and the old version
      // comes back. A crashed or stuck instance is not asked for a snapshot.
      boolean healthy = !finished.crashed() && !TenantCode.abandonedThread(finished.outcome());
      beginRollback(lastError, healthy);
      return this;
    }
    if (TenantCode.abandonedThread(finished.outcome())) {
      // The instance is still running on a thread it will not give back: it cannot take more calls.
      return onStartFailed(new StartFailed("a call did not stop when its budget ran out: " + lastError));
    }
    if (finished.crashed()) {
      return onStartFailed(new StartFailed("crashed: " + lastError));
    }
    runNext();
    return this;
  }

  /** {@return the limit a RESOURCE_EXHAUSTED reason names}: a budget, or the kv quota */
  private static String limitNamed(String reason) {
    java.util.regex.Matcher budget = java.util.regex.Pattern.compile("stopped by its (\\w+) budget").matcher(reason);
    if (budget.find()) {
      return budget.group(1);
    }
    return reason.contains("(kv-mb)") ? "kv-mb" : "other";
  }

  private Behavior<Command> onStarted(Started started) {
    instance = started.instance();
    serviceContext = started.context();
    startedUnixMs = runtime.clock().millis();
    if (state == State.STARTING) {
      state = State.RUNNING;
      TenantMetrics.running(key, true);
    }
    parent.tell(new Running(key, version, getContext().getSelf(), started.methods()));
    runNext();
    return this;
  }

  private Behavior<Command> onStartFailed(StartFailed failed) {
    if (state == State.RUNNING) {
      TenantMetrics.running(key, false);
    }
    state = State.FAILED;
    lastError = failed.reason();
    parent.tell(new Failed(key, version, failed.reason(), failed.findings()));
    for (Call call : queue) {
      call.replyTo().tell(CallOutcome.failed(CallOutcome.Failure.UNAVAILABLE,
          "service " + key.service() + " is down: " + failed.reason()));
    }
    queue.clear();
    if (pendingStop != null) {
      return finish();
    }
    return this;
  }

  private Behavior<Command> onQuarantine(Quarantine quarantine) {
    if (state == State.QUARANTINED || pendingStop != null) {
      // Already quarantined, or going away: nothing to retire.
      quarantine.replyTo().tell(Done.getInstance());
      return this;
    }
    quarantineReason = quarantine.reason();
    for (Call call : queue) {
      call.replyTo().tell(CallOutcome.failed(CallOutcome.Failure.UNAVAILABLE, quarantined()));
    }
    queue.clear();
    return onStop(new Stop("quarantined: " + quarantine.reason(), false, true, quarantine.replyTo()));
  }

  private Behavior<Command> onStop(Stop stop) {
    stopWaiters.add(stop.replyTo());
    if (pendingStop != null) {
      return this;
    }
    pendingStop = stop;
    if (state == State.QUARANTINED) {
      quarantineReason = null;
      return finish();
    }
    if (state == State.FAILED) {
      return finish();
    }
    if (!stop.drain()) {
      for (Call call : queue) {
        call.replyTo().tell(CallOutcome.failed(CallOutcome.Failure.NOT_FOUND, "service " + key.service() + " was killed"));
      }
      queue.clear();
    }
    if (state == State.RUNNING) {
      runNext();
    }
    // While STARTING, the stop is carried out once the start ends (onStarted runs runNext);
    // while SWAPPING, once the swap ends.
    return this;
  }

  // ---- hot swap and rollback ----

  private Behavior<Command> onSwap(Swap swap) {
    if (state != State.RUNNING || pending != null || pendingStop != null) {
      swap.replyTo().tell(new SwapFailed(swap.requestId(), "service " + key.service() + " is not running (it is "
          + (pending != null ? "swapping" : state.name().toLowerCase(java.util.Locale.ROOT)) + ")", false, List.of()));
      return this;
    }
    // Loaded and constructed (and described) before anything stops: a version that cannot even
    // be built changes nothing and holds no request.
    ServiceContext context = new ServiceContext(key, swap.toVersion(), swap.grants(), runtime, getContext().getSystem().scheduler(), logs);
    String what = key + " v" + swap.toVersion();
    CompletableFuture<Described> built = CompletableFuture
        .supplyAsync(() -> load(swap.toVersion(), swap.artifactHash()), runtime.deployExecutor())
        .thenCompose(loader -> runtime.tenantCode().run(limits().budget(), "construction of " + what,
            () -> swap.describeMethods() ? describe(loader) : new Described(loader, newInstance(loader), List.of())));
    getContext().pipeToSelf(built, (described, failure) -> described != null
        ? new Prepared(swap, described, context) : new PrepareFailed(swap, startFailed(failure)));
    return this;
  }

  private Behavior<Command> onPrepareFailed(PrepareFailed failed) {
    failed.swap().replyTo().tell(
        new SwapFailed(failed.swap().requestId(), failed.failure().reason(), false, failed.failure().findings()));
    return this;
  }

  private Behavior<Command> onPrepared(Prepared prepared) {
    Swap swap = prepared.swap();
    if (state != State.RUNNING || pending != null || pendingStop != null) {
      swap.replyTo().tell(new SwapFailed(swap.requestId(), "service " + key.service() + " stopped during the swap", false, List.of()));
      return this;
    }
    if (watch != null) {
      // A new swap ends the window of the last one: what runs now is what it replaces.
      watch = null;
      parent.tell(new Committed(key, version));
    }
    pending = new PendingSwap(++swapIds, swap, prepared.described(), prepared.context(), System.nanoTime());
    state = State.SWAPPING;
    runNext();
    return this;
  }

  /** Runs once no call runs: moves the state into the instance that takes over. */
  private void transfer() {
    transferring = true;
    int maxSnapshot = limits().maxSnapshotBytes();
    Service current = instance;
    int from = version;
    if (pending instanceof PendingSwap swap) {
      Service fresh = swap.described().service();
      ServiceContext context = swap.context();
      int to = swap.swap().toVersion();
      CompletableFuture<Transferred> moved = runtime.tenantCode()
          .run(limits().budget(), "snapshot of " + key + " v" + from, () -> snapshotOf(current, from, maxSnapshot))
          .thenCompose(state -> runtime.tenantCode().run(limits().budget(), "restore and start of " + key + " v" + to, () -> {
            restore(fresh, state);
            start(fresh, context);
            return new Transferred(swap.id(), fresh, context, state);
          }));
      getContext().pipeToSelf(moved, (done, failure) -> done != null ? done
          : new TransferFailed(swap.id(), TenantCode.describe(failure)));
      return;
    }
    PendingRollback rollback = (PendingRollback) pending;
    Watch back = rollback.watch();
    ServiceContext context = new ServiceContext(key, back.version(), back.grants(), runtime, getContext().getSystem().scheduler(), logs);
    String what = key + " v" + back.version();
    CompletableFuture<byte[]> newState = rollback.askNewState()
        ? runtime.tenantCode().run(limits().budget(), "snapshot of " + key + " v" + from, () -> snapshotOf(current, from, maxSnapshot))
            .exceptionally(failure -> null)
        : CompletableFuture.completedFuture(null);
    CompletableFuture<ServiceClassLoader> loader =
        CompletableFuture.supplyAsync(() -> load(back.version(), back.artifactHash()), runtime.deployExecutor());
    // The newest state the old version can take: the failed version's snapshot if its restore()
    // accepts it, else the state from before the swap. Each try has a budget of its own.
    CompletableFuture<Candidate> candidate = newState.thenCombine(loader, (state, classes) -> {
      CompletableFuture<Candidate> first = state == null
          ? CompletableFuture.failedFuture(new IllegalStateException("no snapshot"))
          : runtime.tenantCode().run(limits().budget(), "restore of " + what,
              () -> new Candidate(restored(classes, state), "the snapshot of version " + from));
      return first.handle((chosen, failure) -> chosen != null ? CompletableFuture.completedFuture(chosen)
          : runtime.tenantCode().run(limits().budget(), "restore of " + what,
              () -> new Candidate(restored(classes, back.preSwapState()), "the state from before the swap")))
          .thenCompose(x -> x);
    }).thenCompose(x -> x);
    CompletableFuture<RollbackReady> ready = candidate.thenCompose(chosen -> runtime.tenantCode().run(limits().budget(),
        "start of " + what, () -> {
          start(chosen.instance(), context);
          return new RollbackReady(rollback.id(), chosen.instance(), context, chosen.stateFrom());
        }));
    getContext().pipeToSelf(ready, (done, failure) -> done != null ? done
        : new RollbackFailed(rollback.id(), TenantCode.describe(failure)));
  }

  private Behavior<Command> onTransferred(Transferred moved) {
    if (!(pending instanceof PendingSwap swap) || swap.id() != moved.id()) {
      return this;
    }
    Service old = instance;
    int from = version;
    Watch previous = new Watch(swap.id(), version, artifactHash, grants, moved.preSwapState());
    instance = moved.fresh();
    serviceContext = moved.context();
    version = swap.swap().toVersion();
    artifactHash = swap.swap().artifactHash();
    grants = swap.swap().grants();
    endSwap();
    long pause = System.nanoTime() - swap.pauseStart();
    retireQuietly(old, from, "swapped to version " + version);
    Duration window = swap.swap().watchdog();
    if (!window.isZero() && !window.isNegative()) {
      watch = previous;
      getContext().scheduleOnce(window, getContext().getSelf(), new WatchEnded(previous.id()));
    }
    swap.swap().replyTo().tell(new SwapDone(swap.swap().requestId(), from, version, swap.described().methods(), pause));
    runNext();
    return this;
  }

  private Behavior<Command> onTransferFailed(TransferFailed failed) {
    if (!(pending instanceof PendingSwap swap) || swap.id() != failed.id()) {
      return this;
    }
    // The old instance was only asked for a snapshot: it runs on, with the stash.
    endSwap();
    swap.swap().replyTo().tell(new SwapFailed(swap.swap().requestId(), failed.reason(), true, List.of()));
    runNext();
    return this;
  }

  private Behavior<Command> onWatchEnded(WatchEnded ended) {
    if (watch != null && watch.id() == ended.id()) {
      watch = null;
      parent.tell(new Committed(key, version));
    }
    return this;
  }

  private void beginRollback(String cause, boolean askNewState) {
    Map<String, String> attributes = new java.util.LinkedHashMap<>();
    attributes.put("version", Integer.toString(version));
    attributes.put("reason", cause);
    CompletionStage<Long> causation = dev.solo.eventstore.EventStore.append(runtime.events(),
            dev.solo.eventstore.EventStore.draft(key.tenant(), "service_call_failed", key.service(), attributes, "kernel", 0),
            Duration.ofSeconds(15))
        .thenApply(dev.solo.proto.v1.Event::getId);
    pending = new PendingRollback(++swapIds, watch, cause, askNewState, causation);
    watch = null;
    state = State.SWAPPING;
    runNext();
  }

  private Behavior<Command> onRollbackReady(RollbackReady ready) {
    if (!(pending instanceof PendingRollback rollback) || rollback.id() != ready.id()) {
      return this;
    }
    Service failed = instance;
    int from = version;
    instance = ready.instance();
    serviceContext = ready.context();
    version = rollback.watch().version();
    artifactHash = rollback.watch().artifactHash();
    grants = rollback.watch().grants();
    endSwap();
    retireQuietly(failed, from, "rolled back to version " + version);
    int to = version;
    rollback.causation().whenComplete((id, failure) ->
        parent.tell(new RolledBack(key, from, to, rollback.cause(), ready.stateFrom(), id == null ? 0 : id)));
    runNext();
    return this;
  }

  private Behavior<Command> onRollbackFailed(RollbackFailed failed) {
    if (!(pending instanceof PendingRollback rollback) || rollback.id() != failed.id()) {
      return this;
    }
    pending = null;
    transferring = false;
    state = State.RUNNING;
    return onStartFailed(new StartFailed("the rollback to version " + rollback.watch().version() + " failed: " + failed.reason()));
  }

  private void endSwap() {
    pending = null;
    transferring = false;
    state = State.RUNNING;
    breaker.reset();
    startedUnixMs = runtime.clock().millis();
  }

  /** Stops a replaced instance on a tenant-code thread; its class loader goes with it. */
  private void retireQuietly(Service old, int oldVersion, String reason) {
    runtime.tenantCode().run(limits().budget(), "stop of " + key + " v" + oldVersion, () -> {
      old.stop(reason);
      return Boolean.TRUE;
    }).whenComplete((ok, failure) -> {
      if (failure != null) {
        LOG.warn("{} v{} stop() failed: {}", key, oldVersion, TenantCode.describe(failure));
      }
    });
  }

  /** Runs on a tenant-code thread: the instance's state, within the snapshot limit. */
  private static byte[] snapshotOf(Service service, int version, int maxBytes) {
    byte[] state;
    try {
      state = service.snapshot();
    } catch (Throwable t) {
      TenantCode.rethrowBudget(t);
      throw new TenantCode.StartException("snapshot() of version " + version + " threw " + TenantCode.describe(t));
    }
    if (state == null) {
      return new byte[0];
    }
    if (state.length > maxBytes) {
      throw new TenantCode.StartException("snapshot() of version " + version + " returned " + state.length
          + " bytes, over the limit (max-snapshot-bytes) of " + maxBytes);
    }
    return state;
  }

  /** Runs on a tenant-code thread: a new instance of the loaded version with {@code state} restored. */
  private static Service restored(ServiceClassLoader loader, byte[] state) {
    Service service = newInstance(loader);
    if (state != null) {
      restore(service, state);
    }
    return service;
  }

  /** Runs on a tenant-code thread. */
  private static void start(Service service, ServiceContext context) {
    try {
      service.start(context);
    } catch (Throwable t) {
      TenantCode.rethrowBudget(t);
      throw new TenantCode.StartException("start() threw " + TenantCode.describe(t));
    }
  }

  private void retire(Stop stop) {
    if (state == State.RUNNING) {
      TenantMetrics.running(key, false);
    }
    state = State.STOPPING;
    Service service = instance;
    ActorRef<Command> self = getContext().getSelf();
    // snapshot() and stop() each get a budget of their own: a snapshot that runs out must not
    // cost the service its stop().
    CompletableFuture<Boolean> snapshot = stop.keepState()
        ? runtime.tenantCode().run(limits().budget(), "snapshot of " + key, () -> saveSnapshot(service, self))
        : CompletableFuture.completedFuture(Boolean.TRUE);
    CompletableFuture<Boolean> stopped = snapshot
        .handle((saved, failure) -> {
          if (failure != null) {
            LOG.warn("{} snapshot() failed: {}", key, TenantCode.describe(failure));
          }
          return Boolean.TRUE;
        })
        .thenCompose(ignored -> runtime.tenantCode().run(limits().budget(), "stop of " + key, () -> {
          service.stop(stop.reason());
          return Boolean.TRUE;
        }));
    getContext().pipeToSelf(stopped, (ok, failure) -> {
      if (failure != null) {
        LOG.warn("{} stop() failed: {}", key, TenantCode.describe(failure));
      }
      return new Stopped();
    });
  }

  /** Runs on a tenant-code thread, under the budget: saves the snapshot if it is within the limit. */
  private Boolean saveSnapshot(Service service, ActorRef<Command> self) {
    byte[] state = service.snapshot();
    int maxSnapshotBytes = limits().maxSnapshotBytes();
    if (state != null && state.length <= maxSnapshotBytes) {
      runtime.kv().saveState(key.tenant(), key.service(), version, state);
    } else if (state != null) {
      LOG.warn("{} snapshot of {} bytes is over the limit (max-snapshot-bytes) and was not saved", key, state.length);
      self.tell(new Violation("max-snapshot-bytes",
          "a snapshot of " + state.length + " bytes is over the limit of " + maxSnapshotBytes + " bytes and was not saved"));
    }
    return Boolean.TRUE;
  }

  private Behavior<Command> onStopped(Stopped stopped) {
    return finish();
  }

  /** The instance is retired: the actor stops, or stays quarantined if that is why it retired. */
  private Behavior<Command> finish() {
    // Drop every reference to tenant objects, so the version's class loader can be collected.
    instance = null;
    serviceContext = null;
    stopWaiters.forEach(waiter -> waiter.tell(Done.getInstance()));
    stopWaiters.clear();
    pendingStop = null;
    if (quarantineReason != null) {
      state = State.QUARANTINED;
      return this;
    }
    return Behaviors.stopped();
  }

  private Behavior<Command> onGetStatus(GetStatus get) {
    String shown = switch (state) {
      case STARTING -> "starting";
      case RUNNING -> "running";
      case FAILED -> "failed";
      case STOPPING -> "stopping";
      case SWAPPING -> "swapping";
      case QUARANTINED -> "quarantined";
    };
    get.replyTo().tell(new Status(key, version, shown, calls, errors, queue.size(), startedUnixMs, lastError, breaker.state(),
        use.cpuNanos(), use.allocatedBytes(), runtime.kv().usedBytes(key.tenant())));
    return this;
  }
}
