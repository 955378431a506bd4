package dev.solo.tenant;

import dev.solo.api.Reply;
import dev.solo.api.Request;
import dev.solo.api.Service;
import dev.solo.deploy.ServiceClassLoader;
import dev.solo.deploy.ServiceLoadException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
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
  public sealed interface Command permits Call, Stop, GetStatus, Started, StartFailed, CallFinished, Stopped {}

  /** Runs one request; the caller gets the outcome, never an exception. */
  public record Call(Request request, Instant deadline, ActorRef<CallOutcome> replyTo) implements Command {}

  /**
   * Retires the instance. With {@code drain}, queued requests run first (graceful shutdown);
   * without, they fail (kill). With {@code keepState}, the instance's {@code snapshot()} is saved
   * for the next start.
   */
  public record Stop(String reason, boolean drain, boolean keepState, ActorRef<Done> replyTo) implements Command {}

  /** Asks for the service's counters. */
  public record GetStatus(ActorRef<Status> replyTo) implements Command {}

  /** A service's counters, for {@code solo status}. */
  public record Status(
      ServiceKey key, int version, String state, long calls, long errors, int queueDepth, long startedUnixMs, String lastError) {}

  /** What a service actor tells its tenant supervisor about its start. */
  public sealed interface Lifecycle {
    /** {@return the service} */
    ServiceKey key();
  }

  /** The instance started and takes requests. */
  public record Running(ServiceKey key, int version, ActorRef<Command> ref) implements Lifecycle {}

  /** The instance could not be loaded or started; {@code reason} is safe to show to the tenant. */
  public record Failed(ServiceKey key, int version, String reason) implements Lifecycle {}

  private record Started(Service instance, ServiceContext context) implements Command {}

  private record StartFailed(String reason) implements Command {}

  private record CallFinished(Call call, CallOutcome outcome) implements Command {}

  private record Stopped() implements Command {}

  private enum State { STARTING, RUNNING, FAILED, STOPPING }

  private final TenantRuntime runtime;
  private final TenantRuntime.Limits limits;
  private final ServiceKey key;
  private final int version;
  private final ActorRef<Lifecycle> parent;
  private final ArrayDeque<Call> queue = new ArrayDeque<>();
  private final List<ActorRef<Done>> stopWaiters = new ArrayList<>();

  private State state = State.STARTING;
  private Service instance;
  private ServiceContext serviceContext;
  private Call running;
  private Stop pendingStop;
  private long calls;
  private long errors;
  private long startedUnixMs;
  private String lastError = "";

  /**
   * {@return a service actor that starts the given version at once}
   *
   * @param restoreState whether to restore the state saved at the last graceful stop
   */
  public static Behavior<Command> create(TenantRuntime runtime, ServiceKey key, int version, String artifactHash,
      Set<String> grants, boolean restoreState, ActorRef<Lifecycle> parent) {
    return Behaviors.setup(context -> new ServiceActor(context, runtime, key, version, artifactHash, grants, restoreState, parent));
  }

  private ServiceActor(
      ActorContext<Command> context,
      TenantRuntime runtime,
      ServiceKey key,
      int version,
      String artifactHash,
      Set<String> grants,
      boolean restoreState,
      ActorRef<Lifecycle> parent) {
    super(context);
    this.runtime = runtime;
    this.limits = runtime.limitsOf(key.tenant());
    this.key = key;
    this.version = version;
    this.parent = parent;
    ServiceContext serviceContext = new ServiceContext(key, version, grants, runtime, context.getSystem().scheduler());
    CompletableFuture<Started> started = CompletableFuture
        .supplyAsync(() -> load(artifactHash), runtime.deployExecutor())
        .thenCompose(loader -> runtime.tenantCode().run(limits.budget(), "start of " + key + " v" + version,
            () -> startInstance(loader, restoreState, serviceContext)));
    context.pipeToSelf(started, (done, failure) -> done != null ? done : new StartFailed(TenantCode.describe(failure)));
  }

  /** Runs on the deploy executor: reading and verifying the artifact is host work, not the tenant's. */
  private ServiceClassLoader load(String artifactHash) {
    try {
      ServiceClassLoader loader = runtime.pipeline().load(key.tenant(), version, artifactHash);
      runtime.loaders().loaded(key, version, loader);
      return loader;
    } catch (Exception e) {
      throw new TenantCode.StartException("version " + version + " could not be loaded: " + TenantCode.describe(e));
    }
  }

  /** Runs on a tenant-code thread, under the budget. */
  private Started startInstance(ServiceClassLoader loader, boolean restoreState, ServiceContext serviceContext) {
    Service service;
    try {
      service = loader.newInstance();
    } catch (ServiceLoadException e) {
      TenantCode.rethrowBudget(e.getCause());
      throw new TenantCode.StartException(e.getMessage());
    }
    if (restoreState) {
      runtime.kv().loadState(key.tenant(), key.service()).ifPresent(saved -> restore(service, saved.state()));
    }
    try {
      service.start(serviceContext);
    } catch (Throwable t) {
      TenantCode.rethrowBudget(t);
      throw new TenantCode.StartException("start() threw " + TenantCode.describe(t));
    }
    return new Started(service, serviceContext);
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
        .onMessage(GetStatus.class, this::onGetStatus)
        .onMessage(Started.class, this::onStarted)
        .onMessage(StartFailed.class, this::onStartFailed)
        .onMessage(CallFinished.class, this::onCallFinished)
        .onMessage(Stopped.class, this::onStopped)
        .build();
  }

  private Behavior<Command> onCall(Call call) {
    switch (state) {
      case FAILED -> call.replyTo().tell(CallOutcome.failed(CallOutcome.Failure.UNAVAILABLE,
          "service " + key.service() + " is down: " + lastError));
      case STOPPING -> call.replyTo().tell(CallOutcome.failed(CallOutcome.Failure.UNAVAILABLE,
          "service " + key.service() + " is stopping"));
      default -> enqueue(call);
    }
    return this;
  }

  private void enqueue(Call call) {
    if (queue.size() >= limits.queuePerService()) {
      call.replyTo().tell(CallOutcome.failed(CallOutcome.Failure.RESOURCE_EXHAUSTED,
          "service " + key.service() + " has " + queue.size() + " requests queued, the limit (queue)"));
      return;
    }
    queue.add(call);
    runNext();
  }

  private void runNext() {
    while (state == State.RUNNING && running == null && !queue.isEmpty()) {
      Call call = queue.poll();
      if (runtime.clock().instant().isAfter(call.deadline())) {
        call.replyTo().tell(CallOutcome.failed(CallOutcome.Failure.DEADLINE_EXCEEDED,
            "the call waited past its deadline in the queue of " + key.service()));
        continue;
      }
      running = call;
      Service service = instance;
      ServiceContext context = serviceContext;
      getContext().pipeToSelf(
          runtime.tenantCode().run(limits.budget(), "call of " + key + "." + call.request().method(),
              () -> handle(service, context, call)),
          (outcome, failure) -> new CallFinished(call, outcome != null ? outcome : TenantCode.outcomeOf(failure)));
    }
    if (running == null && pendingStop != null && (queue.isEmpty() || !pendingStop.drain())) {
      retire(pendingStop);
    }
  }

  /** Runs on the tenant-code executor. */
  private CallOutcome handle(Service service, ServiceContext context, Call call) {
    Instant wallEnd = runtime.clock().instant().plus(limits.budget().wall());
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
    }
    finished.call().replyTo().tell(finished.outcome());
    if (TenantCode.abandonedThread(finished.outcome())) {
      // The instance is still running on a thread it will not give back: it cannot take more calls.
      return onStartFailed(new StartFailed("a call did not stop when its budget ran out: " + lastError));
    }
    runNext();
    return this;
  }

  private Behavior<Command> onStarted(Started started) {
    instance = started.instance();
    serviceContext = started.context();
    startedUnixMs = runtime.clock().millis();
    if (state == State.STARTING) {
      state = State.RUNNING;
    }
    parent.tell(new Running(key, version, getContext().getSelf()));
    runNext();
    return this;
  }

  private Behavior<Command> onStartFailed(StartFailed failed) {
    state = State.FAILED;
    lastError = failed.reason();
    parent.tell(new Failed(key, version, failed.reason()));
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

  private Behavior<Command> onStop(Stop stop) {
    stopWaiters.add(stop.replyTo());
    if (pendingStop != null) {
      return this;
    }
    pendingStop = stop;
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
    // While STARTING, the stop is carried out once the start ends (onStarted runs runNext).
    return this;
  }

  private void retire(Stop stop) {
    state = State.STOPPING;
    Service service = instance;
    // snapshot() and stop() each get a budget of their own: a snapshot that runs out must not
    // cost the service its stop().
    CompletableFuture<Boolean> snapshot = stop.keepState()
        ? runtime.tenantCode().run(limits.budget(), "snapshot of " + key, () -> saveSnapshot(service))
        : CompletableFuture.completedFuture(Boolean.TRUE);
    CompletableFuture<Boolean> stopped = snapshot
        .handle((saved, failure) -> {
          if (failure != null) {
            LOG.warn("{} snapshot() failed: {}", key, TenantCode.describe(failure));
          }
          return Boolean.TRUE;
        })
        .thenCompose(ignored -> runtime.tenantCode().run(limits.budget(), "stop of " + key, () -> {
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
  private Boolean saveSnapshot(Service service) {
    byte[] state = service.snapshot();
    if (state != null && state.length <= limits.maxSnapshotBytes()) {
      runtime.kv().saveState(key.tenant(), key.service(), version, state);
    } else if (state != null) {
      LOG.warn("{} snapshot of {} bytes is over the limit (max-snapshot-bytes) and was not saved", key, state.length);
    }
    return Boolean.TRUE;
  }

  private Behavior<Command> onStopped(Stopped stopped) {
    return finish();
  }

  private Behavior<Command> finish() {
    // Drop every reference to tenant objects, so the version's class loader can be collected.
    instance = null;
    serviceContext = null;
    stopWaiters.forEach(waiter -> waiter.tell(Done.getInstance()));
    return Behaviors.stopped();
  }

  private Behavior<Command> onGetStatus(GetStatus get) {
    String shown = switch (state) {
      case STARTING -> "starting";
      case RUNNING -> "running";
      case FAILED -> "failed";
      case STOPPING -> "stopping";
    };
    get.replyTo().tell(new Status(key, version, shown, calls, errors, queue.size(), startedUnixMs, lastError));
    return this;
  }
}
