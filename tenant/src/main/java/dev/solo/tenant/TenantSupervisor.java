package dev.solo.tenant;

import dev.solo.capability.Names;
import dev.solo.deploy.DeployResult;
import dev.solo.eventstore.EventStore;
import dev.solo.hardening.Finding;
import dev.solo.proto.state.v1.ServiceDeployed;
import dev.solo.proto.state.v1.ServiceKilled;
import dev.solo.proto.state.v1.ServiceQuarantined;
import dev.solo.proto.state.v1.ServiceReleased;
import dev.solo.proto.state.v1.ServiceSwapped;
import dev.solo.proto.state.v1.SwapCommitted;
import dev.solo.proto.state.v1.SwapRolledBack;
import dev.solo.proto.state.v1.TenantPurged;
import dev.solo.proto.state.v1.ServiceRecord;
import dev.solo.proto.state.v1.TenantEvent;
import dev.solo.proto.state.v1.TenantSnapshot;
import dev.solo.proto.v1.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One tenant: an event-sourced entity holding its services and their versions, and the
 * supervisor of its service actors. After recovery it starts every service that was deployed
 * and not killed, at its newest version, with the state saved at the last graceful stop.
 */
public final class TenantSupervisor
    extends EventSourcedBehavior<TenantSupervisor.Command, TenantEvent, TenantSupervisor.State> {

  private static final Duration STEP_TIMEOUT = Duration.ofSeconds(15);

  /** The tenant supervisor's protocol. */
  public sealed interface Command
      permits Deploy, Kill, ListServices, GetStatus, Describe, GetLogs, StopAll, Suspend, Resume, QuarantineService, ReleaseService, Purge,
          PipelineDone, LifecycleChanged, Purged, Restart, Swap, Rollback, Versions, SwapPipelineDone, SwapAnswered,
          AbortSwap, SwapStarted, ReferencedArtifacts {}

  /** The artifact hashes the tenant's kept versions refer to; the rest may be collected. */
  public record ReferencedArtifacts(ActorRef<Set<String>> replyTo) implements Command {}

  /**
   * Hot-swaps a live service to a new version from source: the whole pipeline first, then the
   * service actor's swap; within {@code watchdog} a failure of the new version rolls back.
   */
  public record Swap(String service, Map<String, String> files, Duration watchdog, String principal, String explanation,
      ActorRef<DeployOutcome> replyTo) implements Command {
    /** Copies the files. */
    public Swap {
      files = Map.copyOf(files);
    }
  }

  /** Swaps a live service back to a kept version ({@code toVersion}, or 0 for the one before). */
  public record Rollback(String service, int toVersion, String principal, String explanation, ActorRef<DeployOutcome> replyTo)
      implements Command {}

  /** Lists a service's kept versions, oldest first; empty if there is no such live service. */
  public record Versions(String service, ActorRef<Optional<List<VersionView>>> replyTo) implements Command {}

  /** A kept version: {@code state} is live, previous or rolled back. */
  public record VersionView(int version, String artifactHash, long deployedUnixMs, String state) {}

  private record SwapPipelineDone(Swap swap, DeployResult result) implements Command {}

  private record SwapAnswered(ServiceActor.SwapResult result) implements Command {}

  /** After a restart: a swap that was not committed is recorded as rolled back. */
  private record AbortSwap(String service) implements Command {}

  /** A swap or rollback under way, until the service actor answers. */
  private record SwapInFlight(long requestId, String service, int fromVersion, int toVersion, ServiceDeployed newVersion,
      boolean rollback, Duration watchdog, String principal, String explanation, long startedEventId,
      ActorRef<DeployOutcome> replyTo) {}

  /** Restarts a crashed service, if {@code crashed} is still its instance. */
  private record Restart(String service, ActorRef<ServiceActor.Command> crashed) implements Command {}

  /**
   * Quarantines one service: it stops with its state saved and answers calls with why, until an
   * operator releases it. Durable: it stays quarantined across restarts.
   */
  public record QuarantineService(String service, String reason, String principal,
      ActorRef<TenantsSupervisor.QuarantineResult> replyTo) implements Command {}

  /** Releases a quarantined service: it starts again with the state it saved. */
  public record ReleaseService(String service, String principal, ActorRef<TenantsSupervisor.QuarantineResult> replyTo)
      implements Command {}

  /**
   * Deletes the tenant's services and data (the tenant is being deleted): every service stops
   * without saving state, the key-value data and saved states go, the history is forgotten, and
   * the supervisor stops. The reply is the number of services that were live.
   */
  public record Purge(ActorRef<Integer> replyTo) implements Command {}

  private record Purged(int services, ActorRef<Integer> replyTo) implements Command {}

  /** Quarantine: every service stops gracefully, its state saved; none starts until {@link Resume}. */
  public record Suspend(String reason, ActorRef<Done> replyTo) implements Command {}

  /** Release from quarantine: every live service starts again with the state it saved. */
  public record Resume() implements Command {}

  /** Deploys a new service: the whole pipeline, then start, then a durable record. */
  public record Deploy(
      String service, Map<String, String> files, List<String> grants, String principal, String explanation,
      ActorRef<DeployOutcome> replyTo) implements Command {
    /** Copies the files and grants. */
    public Deploy {
      files = Map.copyOf(files);
      grants = List.copyOf(grants);
    }
  }

  /** Kills a service: it stops at once, stays killed across restarts, and its saved state is dropped. */
  public record Kill(String service, String principal, String explanation, ActorRef<DeployOutcome> replyTo)
      implements Command {}

  /** Lists the live services. */
  public record ListServices(ActorRef<List<ServiceView>> replyTo) implements Command {}

  /** Describes a live service with its counters; empty if there is no such live service. */
  public record GetStatus(String service, ActorRef<Optional<StatusView>> replyTo) implements Command {}

  /** What a live service's newest version described at its deploy; empty if there is no such live service. */
  public record Describe(String service, ActorRef<Optional<Description>> replyTo) implements Command {}

  /** What a live service logged, filtered; empty if there is no such live service. */
  public record GetLogs(String service, ServiceLogs.Query query, ActorRef<Optional<List<ServiceLogs.Line>>> replyTo)
      implements Command {}

  /** A live service's methods, as its newest version described them when it was deployed. */
  public record Description(String service, int version, List<dev.solo.proto.state.v1.StoredMethod> methods) {
    /** Copies the methods. */
    public Description {
      methods = List.copyOf(methods);
    }
  }

  /** A live service and, if its actor answered, its counters. */
  public record StatusView(ServiceView service, Optional<ServiceActor.Status> counters, int restarts) {}

  /** Drains, snapshots and stops every service (graceful shutdown). */
  public record StopAll(String reason, ActorRef<Done> replyTo) implements Command {}

  private record PipelineDone(Deploy deploy, DeployResult result) implements Command {}

  private record LifecycleChanged(ServiceActor.Lifecycle lifecycle) implements Command {}

  /** A live service as {@code solo list} shows it. */
  public record ServiceView(String name, int version, String state, String artifactHash, long deployedUnixMs) {}

  /** A service's persisted history; {@code quarantineReason} is empty unless it is quarantined. */
  record ServiceEntry(boolean killed, String quarantineReason, List<ServiceDeployed> versions, int liveVersion, int swapFrom,
      Set<Integer> rolledBack) {
    ServiceEntry {
      versions = List.copyOf(versions);
      rolledBack = Set.copyOf(rolledBack);
    }

    /** A service deployed anew: its only version is live. */
    static ServiceEntry deployed(ServiceDeployed first) {
      return new ServiceEntry(false, "", List.of(first), first.getVersion(), 0, Set.of());
    }

    /** {@return the live version's record} */
    ServiceDeployed latest() {
      return record(liveVersion).orElse(newest());
    }

    /** {@return the version a restart starts: the live one, or the one a swap under watch came from} */
    ServiceDeployed startRecord() {
      return swapFrom != 0 ? record(swapFrom).orElse(latest()) : latest();
    }

    ServiceDeployed newest() {
      return versions.get(versions.size() - 1);
    }

    Optional<ServiceDeployed> record(int version) {
      return versions.stream().filter(v -> v.getVersion() == version).findFirst();
    }

    boolean quarantined() {
      return !quarantineReason.isEmpty();
    }

    ServiceEntry withQuarantine(String reason) {
      return new ServiceEntry(killed, reason, versions, liveVersion, swapFrom, rolledBack);
    }

    /** A new version, not live yet; the oldest versions beyond {@code keep} go, never the live one. */
    ServiceEntry withVersion(ServiceDeployed version, int keep) {
      List<ServiceDeployed> all = new ArrayList<>(versions);
      all.add(version);
      while (all.size() > keep) {
        ServiceDeployed oldest = all.stream()
            .filter(v -> v.getVersion() != liveVersion && v.getVersion() != swapFrom && v.getVersion() != version.getVersion())
            .findFirst().orElse(null);
        if (oldest == null) {
          break;
        }
        all.remove(oldest);
      }
      return new ServiceEntry(killed, quarantineReason, all, liveVersion, swapFrom, rolledBack);
    }

    ServiceEntry swapped(int from, int to) {
      return new ServiceEntry(killed, quarantineReason, versions, to, from, rolledBack);
    }

    ServiceEntry committed() {
      return new ServiceEntry(killed, quarantineReason, versions, liveVersion, 0, rolledBack);
    }

    ServiceEntry rolledBack(int from, int to) {
      Set<Integer> failed = new java.util.HashSet<>(rolledBack);
      failed.add(from);
      return new ServiceEntry(killed, quarantineReason, versions, to, 0, failed);
    }

    ServiceEntry killedNow() {
      return new ServiceEntry(true, "", versions, liveVersion, 0, rolledBack);
    }
  }

  /** The tenant's persisted state: its services by name. */
  public record State(Map<String, ServiceEntry> services) {
    public State {
      services = Map.copyOf(services);
    }

    Optional<ServiceEntry> live(String service) {
      return Optional.ofNullable(services.get(service)).filter(entry -> !entry.killed());
    }

    long liveCount() {
      return services.values().stream().filter(entry -> !entry.killed()).count();
    }

    int nextVersion(String service) {
      ServiceEntry entry = services.get(service);
      return entry == null ? 1 : entry.newest().getVersion() + 1;
    }
  }

  /** A service instance this supervisor runs, and what it last said about itself. */
  private record Child(int version, ActorRef<ServiceActor.Command> ref, String state) {}

  /** A deploy whose new version is starting. */
  private record Starting(Deploy deploy, int version, String artifactHash, String entryClass) {}

  private final ActorContext<Command> context;
  private final String tenant;
  private final TenantRuntime runtime;
  private final ActorRef<TenantsSupervisor.Command> parent;
  private final Scheduler scheduler;
  private final ActorRef<ServiceActor.Lifecycle> lifecycleAdapter;
  private final Map<String, Child> children = new HashMap<>();
  private final Map<String, Starting> starting = new HashMap<>();
  private final Map<String, SwapInFlight> swaps = new HashMap<>();
  private final ActorRef<ServiceActor.SwapResult> swapAdapter;
  private long swapRequests;
  private final Set<String> deploying = new java.util.HashSet<>();
  /** What the services logged, in memory only. */
  private final ServiceLogs logs = new ServiceLogs(ServiceLogs.Limits.defaults());
  /** Services starting after recovery or a release, with why they start, for the event. */
  private final Map<String, String> recovering = new HashMap<>();
  /** Quarantined instances a release replaced, stopped once the new instance is registered. */
  private final Map<String, ActorRef<ServiceActor.Command>> replaced = new HashMap<>();
  /** Each service's crashes, for the restart backoff and the quarantine past its limit. */
  private final Map<String, RestartBackoff> restarts = new HashMap<>();
  private boolean announcedReady;
  private boolean suspended;
  private long spawned;

  /**
   * {@return the supervisor of one tenant, persistence id {@code tenant-NAME}}; a quarantined
   * tenant recovers its state but starts no service
   */
  public static Behavior<Command> create(
      String tenant, TenantRuntime runtime, ActorRef<TenantsSupervisor.Command> parent, boolean quarantined) {
    return Behaviors.setup(context -> new TenantSupervisor(context, tenant, runtime, parent, quarantined));
  }

  private TenantSupervisor(ActorContext<Command> context, String tenant, TenantRuntime runtime,
      ActorRef<TenantsSupervisor.Command> parent, boolean quarantined) {
    super(PersistenceId.ofUniqueId("tenant-" + tenant));
    this.context = context;
    this.tenant = tenant;
    this.runtime = runtime;
    this.parent = parent;
    this.scheduler = context.getSystem().scheduler();
    this.lifecycleAdapter = context.messageAdapter(ServiceActor.Lifecycle.class, LifecycleChanged::new);
    this.swapAdapter = context.messageAdapter(ServiceActor.SwapResult.class, SwapAnswered::new);
    this.suspended = quarantined;
  }

  @Override
  public State emptyState() {
    return new State(Map.of());
  }

  @Override
  public CommandHandler<Command, TenantEvent, State> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(Deploy.class, this::onDeploy)
        .onCommand(PipelineDone.class, this::onPipelineDone)
        .onCommand(LifecycleChanged.class, this::onLifecycle)
        .onCommand(Kill.class, this::onKill)
        .onCommand(ListServices.class, this::onList)
        .onCommand(GetStatus.class, this::onGetStatus)
        .onCommand(Describe.class, this::onDescribe)
        .onCommand(GetLogs.class, this::onGetLogs)
        .onCommand(StopAll.class, this::onStopAll)
        .onCommand(Suspend.class, this::onSuspend)
        .onCommand(Resume.class, this::onResume)
        .onCommand(QuarantineService.class, this::onQuarantineService)
        .onCommand(ReleaseService.class, this::onReleaseService)
        .onCommand(Purge.class, this::onPurge)
        .onCommand(Purged.class, this::onPurged)
        .onCommand(Restart.class, this::onRestart)
        .onCommand(Swap.class, this::onSwap)
        .onCommand(SwapPipelineDone.class, this::onSwapPipelineDone)
        .onCommand(Rollback.class, this::onRollback)
        .onCommand(SwapAnswered.class, this::onSwapAnswered)
        .onCommand(Versions.class, this::onVersions)
        .onCommand(AbortSwap.class, this::onAbortSwap)
        .onCommand(SwapStarted.class, this::onSwapStarted)
        .onCommand(ReferencedArtifacts.class, (state, referenced) -> {
          Set<String> hashes = new java.util.HashSet<>();
          state.services().values().stream().filter(entry -> !entry.killed())
              .forEach(entry -> entry.versions().forEach(v -> hashes.add(v.getArtifactHash())));
          referenced.replyTo().tell(Set.copyOf(hashes));
          return Effect().none();
        })
        .build();
  }

  // ---- deploy ----

  private Effect<TenantEvent, State> onDeploy(State state, Deploy deploy) {
    try {
      Names.checkService(deploy.service());
    } catch (IllegalArgumentException e) {
      return reject(deploy.replyTo(), DeployOutcome.Reason.INVALID_ARGUMENT, e.getMessage());
    }
    Optional<ServiceEntry> live = state.live(deploy.service());
    if (live.isPresent()) {
      return reject(deploy.replyTo(), DeployOutcome.Reason.ALREADY_EXISTS, "service " + deploy.service()
          + " is already deployed at version " + live.get().latest().getVersion() + "; kill it first to deploy anew");
    }
    if (!deploying.add(deploy.service())) {
      return reject(deploy.replyTo(), DeployOutcome.Reason.ABORTED, "a deploy of " + deploy.service() + " is in progress");
    }
    if (state.liveCount() + deploying.size() - 1 >= runtime.limitsOf(tenant).maxServices()) {
      deploying.remove(deploy.service());
      return reject(deploy.replyTo(), DeployOutcome.Reason.RESOURCE_EXHAUSTED,
          "tenant " + tenant + " has " + state.liveCount() + " services, the limit (max-services) is " + runtime.limitsOf(tenant).maxServices());
    }
    context.pipeToSelf(
        CompletableFuture.supplyAsync(() -> runtime.pipeline().deploy(tenant, deploy.files()), runtime.deployExecutor()),
        (result, failure) -> new PipelineDone(deploy, result != null ? result
            : new DeployResult.Refused(List.of(new Finding("INTERNAL", "", 0, 0, "the deploy pipeline failed"))))); 
    return Effect().none();
  }

  private Effect<TenantEvent, State> onPipelineDone(State state, PipelineDone done) {
    Deploy deploy = done.deploy();
    if (done.result() instanceof DeployResult.Refused refused) {
      deploying.remove(deploy.service());
      Finding first = refused.findings().isEmpty() ? null : refused.findings().get(0);
      Map<String, String> attributes = new LinkedHashMap<>();
      attributes.put("findings", Integer.toString(refused.findings().size()));
      if (first != null) {
        attributes.put("first_finding", first.toString());
      }
      putExplanation(attributes, deploy.explanation());
      audit("service_deployment_failed", deploy.service(), attributes, deploy.principal())
          .whenComplete((event, failure) -> deploy.replyTo().tell(new DeployOutcome.Refused(refused.findings())));
      return Effect().none();
    }
    DeployResult.Accepted accepted = (DeployResult.Accepted) done.result();
    int version = state.nextVersion(deploy.service());
    ServiceKey key = ServiceKey.of(tenant, deploy.service());
    // A fresh deploy starts clean: a snapshot saved by a killed incarnation is not restored, and
    // the lines an earlier attempt logged are gone. A new version describes its methods.
    logs.drop(deploy.service());
    ActorRef<ServiceActor.Command> ref = context.spawn(
        ServiceActor.create(runtime, key, version, accepted.artifact().hash(), Set.copyOf(deploy.grants()),
            new ServiceActor.StartOptions(false, true, logs), lifecycleAdapter),
        childName(deploy.service(), version));
    children.put(deploy.service(), new Child(version, ref, "starting"));
    starting.put(deploy.service(), new Starting(deploy, version, accepted.artifact().hash(), accepted.artifact().entryClass()));
    return Effect().none();
  }

  private Effect<TenantEvent, State> onLifecycle(State state, LifecycleChanged changed) {
    String service = changed.lifecycle().key().service();
    Child child = children.get(service);
    if (changed.lifecycle() instanceof ServiceActor.Running running) {
      if (child != null && child.version() == running.version()) {
        children.put(service, new Child(child.version(), child.ref(), "running"));
      }
      Starting start = starting.remove(service);
      if (start != null && start.version() == running.version()) {
        return recordDeploy(start, running.ref(), running.methods());
      }
      String reason = recovering.remove(service);
      if (reason != null) {
        ActorRef<ServiceActor.Command> old = replaced.remove(service);
        register(running.key(), running.ref())
            .thenCompose(done -> {
              stopReplaced(old);
              return audit(reason.equals("restart") ? "service_restarted" : "service_started", service,
                  Map.of("version", Integer.toString(running.version()), "reason", reason), "kernel");
            });
        announceReadyIfDone();
      }
      return Effect().none();
    }
    if (changed.lifecycle() instanceof ServiceActor.RolledBack rolledBack) {
      return onRolledBack(state, rolledBack);
    }
    if (changed.lifecycle() instanceof ServiceActor.Committed committed) {
      return onCommitted(state, committed);
    }
    ServiceActor.Failed failed = (ServiceActor.Failed) changed.lifecycle();
    if (child != null && child.version() == failed.version()) {
      children.put(service, new Child(child.version(), child.ref(), "failed"));
    }
    Starting start = starting.remove(service);
    if (start != null && start.version() == failed.version()) {
      deploying.remove(service);
      children.remove(service);
      child.ref().tell(new ServiceActor.Stop("start failed", false, false, context.getSystem().ignoreRef()));
      Map<String, String> attributes = new LinkedHashMap<>();
      attributes.put("version", Integer.toString(failed.version()));
      attributes.put("reason", failed.reason());
      putExplanation(attributes, start.deploy().explanation());
      // A refused methods() is a finding like any of the pipeline's, pointed at its declaration.
      List<Finding> findings = ServiceMethods.locate(failed.findings(), start.deploy().files(), start.entryClass());
      if (!findings.isEmpty()) {
        attributes.put("findings", Integer.toString(findings.size()));
        attributes.put("first_finding", findings.get(0).toString());
      }
      DeployOutcome outcome = findings.isEmpty()
          ? new DeployOutcome.Rejected(DeployOutcome.Reason.FAILED_PRECONDITION, "service " + service + " did not start: " + failed.reason())
          : new DeployOutcome.Refused(findings);
      audit("service_deployment_failed", service, attributes, start.deploy().principal())
          .whenComplete((event, failure) -> start.deploy().replyTo().tell(outcome));
    } else if (recovering.remove(service) != null) {
      // Registered anyway: callers learn why it is down instead of NOT_FOUND.
      ActorRef<ServiceActor.Command> old = replaced.remove(service);
      register(failed.key(), child.ref()).thenRun(() -> stopReplaced(old));
      crashed(state, service, child, failed);
      announceReadyIfDone();
    } else if (child != null && child.version() == failed.version()) {
      crashed(state, service, child, failed);
    }
    return Effect().none();
  }

  /**
   * A running service crashed (its start failed, it threw an Error, or a call kept its thread):
   * it is restarted after a backoff, or quarantined once it crashed too often.
   */
  private void crashed(State state, String service, Child child, ServiceActor.Failed failed) {
    Optional<ServiceEntry> live = state.live(service);
    audit("service_crashed", service, Map.of("version", Integer.toString(failed.version()), "reason", failed.reason()), "kernel");
    if (live.isEmpty() || live.get().quarantined() || suspended) {
      return;
    }
    RestartBackoff backoff = restarts.computeIfAbsent(service, name -> new RestartBackoff(runtime.limitsOf(tenant).restarts()));
    Optional<Duration> delay = backoff.onCrash(System.nanoTime());
    if (delay.isPresent()) {
      context.scheduleOnce(delay.get(), context.getSelf(), new Restart(service, child.ref()));
      return;
    }
    RestartBackoff.Settings limit = backoff.settings();
    String reason = "crashed more than " + limit.maxRestarts() + " times in " + limit.window().toSeconds() + " s; last: "
        + failed.reason();
    context.getSelf().tell(new QuarantineService(service, reason, "kernel", context.getSystem().ignoreRef()));
  }

  private Effect<TenantEvent, State> onRestart(State state, Restart restart) {
    Child child = children.get(restart.service());
    Optional<ServiceEntry> live = state.live(restart.service());
    if (child == null || !child.ref().equals(restart.crashed()) || live.isEmpty() || live.get().quarantined() || suspended) {
      return Effect().none(); // killed, quarantined, released or restarted meanwhile
    }
    // The crashed instance answers "is down" until the new one is registered.
    replaced.put(restart.service(), child.ref());
    TenantMetrics.restarted(ServiceKey.of(tenant, restart.service()));
    start(restart.service(), live.get(), "restart");
    return Effect().none();
  }

  private int restartsOf(String service) {
    RestartBackoff backoff = restarts.get(service);
    return backoff == null ? 0 : backoff.total();
  }

  private Effect<TenantEvent, State> recordDeploy(
      Starting start, ActorRef<ServiceActor.Command> ref, List<dev.solo.proto.state.v1.StoredMethod> methods) {
    Deploy deploy = start.deploy();
    ServiceDeployed deployed = ServiceDeployed.newBuilder()
        .setService(deploy.service())
        .setVersion(start.version())
        .setArtifactHash(start.artifactHash())
        .setEntryClass(start.entryClass())
        .setTimeUnixMs(runtime.clock().millis())
        .addAllGrants(deploy.grants())
        .addAllMethods(methods)
        .build();
    return Effect()
        .persist(TenantEvent.newBuilder().setDeployed(deployed).build())
        .thenRun(after -> {
          deploying.remove(deploy.service());
          Map<String, String> attributes = new LinkedHashMap<>();
          attributes.put("version", Integer.toString(start.version()));
          attributes.put("artifact_hash", start.artifactHash());
          if (!deploy.grants().isEmpty()) {
            attributes.put("grants", String.join(",", deploy.grants()));
          }
          putExplanation(attributes, deploy.explanation());
          register(ServiceKey.of(tenant, deploy.service()), ref)
              .thenCompose(done -> audit("service_deployed", deploy.service(), attributes, deploy.principal()))
              .whenComplete((event, failure) -> deploy.replyTo().tell(failure == null
                  ? new DeployOutcome.Deployed(deploy.service(), start.version(), start.artifactHash(), event.getId())
                  : new DeployOutcome.Rejected(DeployOutcome.Reason.INTERNAL, "the deploy was recorded but its event was not")));
        });
  }

  // ---- kill ----

  private Effect<TenantEvent, State> onKill(State state, Kill kill) {
    if (state.live(kill.service()).isEmpty()) {
      return reject(kill.replyTo(), DeployOutcome.Reason.NOT_FOUND, "no service " + kill.service());
    }
    ServiceKilled killed = ServiceKilled.newBuilder().setService(kill.service()).setTimeUnixMs(runtime.clock().millis()).build();
    return Effect()
        .persist(TenantEvent.newBuilder().setKilled(killed).build())
        .thenRun(after -> {
          Child child = children.remove(kill.service());
          restarts.remove(kill.service());
          abortSwap(kill.service(), "the service was killed during the swap");
          TenantMetrics.breakerRemoved(ServiceKey.of(tenant, kill.service()));
          logs.drop(kill.service());
          CompletionStage<Done> unregistered = child == null
              ? CompletableFuture.completedFuture(Done.getInstance())
              : unregister(ServiceKey.of(tenant, kill.service()), child.ref());
          Map<String, String> attributes = new LinkedHashMap<>();
          putExplanation(attributes, kill.explanation());
          unregistered
              .thenCompose(done -> child == null ? CompletableFuture.completedFuture(Done.getInstance())
                  : AskPattern.<ServiceActor.Command, Done>ask(child.ref(),
                      replyTo -> new ServiceActor.Stop("killed", false, false, replyTo), STEP_TIMEOUT, scheduler))
              .thenRunAsync(() -> runtime.kv().deleteState(tenant, kill.service()), runtime.deployExecutor())
              .thenCompose(done -> audit("service_killed", kill.service(), attributes, kill.principal()))
              .whenComplete((event, failure) -> kill.replyTo().tell(failure == null
                  ? new DeployOutcome.Killed(kill.service(), event.getId())
                  : new DeployOutcome.Rejected(DeployOutcome.Reason.INTERNAL, "the kill was recorded but not completed")));
        });
  }

  // ---- queries and shutdown ----

  private Effect<TenantEvent, State> onList(State state, ListServices list) {
    List<ServiceView> views = new ArrayList<>();
    new TreeMap<>(state.services()).forEach((name, entry) -> {
      if (!entry.killed()) {
        views.add(view(name, entry));
      }
    });
    list.replyTo().tell(List.copyOf(views));
    return Effect().none();
  }

  private ServiceView view(String name, ServiceEntry entry) {
    ServiceDeployed latest = entry.latest();
    Child child = children.get(name);
    String shown = entry.quarantined() || suspended ? "quarantined" : child != null ? child.state() : "stopped";
    return new ServiceView(name, latest.getVersion(), shown, latest.getArtifactHash(), latest.getTimeUnixMs());
  }

  private Effect<TenantEvent, State> onGetStatus(State state, GetStatus get) {
    Optional<ServiceEntry> live = state.live(get.service());
    if (live.isEmpty()) {
      get.replyTo().tell(Optional.empty());
      return Effect().none();
    }
    ServiceView view = view(get.service(), live.get());
    Child child = children.get(get.service());
    if (child == null) {
      get.replyTo().tell(Optional.of(new StatusView(view, Optional.empty(), restartsOf(get.service()))));
      return Effect().none();
    }
    AskPattern.<ServiceActor.Command, ServiceActor.Status>ask(child.ref(), ServiceActor.GetStatus::new, STEP_TIMEOUT, scheduler)
        .whenComplete((status, failure) ->
            get.replyTo().tell(Optional.of(new StatusView(view, Optional.ofNullable(status), restartsOf(get.service())))));
    return Effect().none();
  }

  private Effect<TenantEvent, State> onDescribe(State state, Describe describe) {
    describe.replyTo().tell(state.live(describe.service()).map(entry -> new Description(
        describe.service(), entry.latest().getVersion(), entry.latest().getMethodsList())));
    return Effect().none();
  }

  private Effect<TenantEvent, State> onGetLogs(State state, GetLogs get) {
    get.replyTo().tell(state.live(get.service()).map(entry -> logs.read(get.service(), get.query())));
    return Effect().none();
  }

  private Effect<TenantEvent, State> onSuspend(State state, Suspend suspend) {
    suspended = true;
    return onStopAll(state, new StopAll("quarantined: " + suspend.reason(), suspend.replyTo()));
  }

  private Effect<TenantEvent, State> onResume(State state, Resume resume) {
    if (suspended) {
      suspended = false;
      startServices(state, "release");
    }
    return Effect().none();
  }

  // ---- hot swap, rollback, versions ----

  private Effect<TenantEvent, State> onSwap(State state, Swap swap) {
    Optional<String> refusal = swapRefusal(state, swap.service());
    if (refusal.isPresent()) {
      DeployOutcome.Reason reason = state.live(swap.service()).isEmpty() ? DeployOutcome.Reason.NOT_FOUND
          : swaps.containsKey(swap.service()) ? DeployOutcome.Reason.ABORTED : DeployOutcome.Reason.FAILED_PRECONDITION;
      return reject(swap.replyTo(), reason, refusal.get());
    }
    // Reserved now: a second swap of the service waits for this one's answer.
    swaps.put(swap.service(), new SwapInFlight(0, swap.service(), 0, 0, null, false, swap.watchdog(), swap.principal(),
        swap.explanation(), 0, swap.replyTo()));
    context.pipeToSelf(
        CompletableFuture.supplyAsync(() -> runtime.pipeline().deploy(tenant, swap.files()), runtime.deployExecutor()),
        (result, failure) -> new SwapPipelineDone(swap, result != null ? result
            : new DeployResult.Refused(List.of(new Finding("INTERNAL", "", 0, 0, "the deploy pipeline failed")))));
    return Effect().none();
  }

  private Optional<String> swapRefusal(State state, String service) {
    Optional<ServiceEntry> live = state.live(service);
    Child child = children.get(service);
    if (live.isEmpty()) {
      return Optional.of("no service " + service + "; see solo list");
    }
    if (swaps.containsKey(service)) {
      return Optional.of("a swap of " + service + " is under way");
    }
    if (live.get().quarantined() || suspended) {
      return Optional.of("service " + service + " is quarantined; an operator must release it first");
    }
    if (child == null || !child.state().equals("running")) {
      return Optional.of("service " + service + " is not running (" + (child == null ? "stopped" : child.state()) + ")");
    }
    return Optional.empty();
  }

  private Effect<TenantEvent, State> onSwapPipelineDone(State state, SwapPipelineDone done) {
    Swap swap = done.swap();
    if (done.result() instanceof DeployResult.Refused refused) {
      swaps.remove(swap.service());
      Map<String, String> attributes = new LinkedHashMap<>();
      attributes.put("swap", "true");
      attributes.put("findings", Integer.toString(refused.findings().size()));
      if (!refused.findings().isEmpty()) {
        attributes.put("first_finding", refused.findings().get(0).toString());
      }
      putExplanation(attributes, swap.explanation());
      audit("service_deployment_failed", swap.service(), attributes, swap.principal())
          .whenComplete((event, failure) -> swap.replyTo().tell(new DeployOutcome.Refused(refused.findings())));
      return Effect().none();
    }
    Optional<String> refusal = swapRefusal(state, swap.service())
        .filter(reason -> !reason.startsWith("a swap of"));
    Child child = children.get(swap.service());
    if (refusal.isPresent() || child == null) {
      swaps.remove(swap.service());
      return reject(swap.replyTo(), DeployOutcome.Reason.FAILED_PRECONDITION, refusal.orElse("service " + swap.service() + " stopped"));
    }
    DeployResult.Accepted accepted = (DeployResult.Accepted) done.result();
    ServiceEntry entry = state.live(swap.service()).get();
    int to = state.nextVersion(swap.service());
    ServiceDeployed next = ServiceDeployed.newBuilder()
        .setService(swap.service())
        .setVersion(to)
        .setArtifactHash(accepted.artifact().hash())
        .setEntryClass(accepted.artifact().entryClass())
        .setTimeUnixMs(runtime.clock().millis())
        .addAllGrants(entry.latest().getGrantsList())
        .build();
    startSwap(swap.service(), child, entry.latest().getVersion(), next, false, swap.watchdog(), swap.principal(),
        swap.explanation(), swap.replyTo());
    return Effect().none();
  }

  private Effect<TenantEvent, State> onRollback(State state, Rollback rollback) {
    Optional<String> refusal = swapRefusal(state, rollback.service());
    if (refusal.isPresent()) {
      DeployOutcome.Reason reason = state.live(rollback.service()).isEmpty() ? DeployOutcome.Reason.NOT_FOUND
          : swaps.containsKey(rollback.service()) ? DeployOutcome.Reason.ABORTED : DeployOutcome.Reason.FAILED_PRECONDITION;
      return reject(rollback.replyTo(), reason, refusal.get());
    }
    ServiceEntry entry = state.live(rollback.service()).get();
    int live = entry.latest().getVersion();
    Optional<ServiceDeployed> target = rollback.toVersion() != 0 ? entry.record(rollback.toVersion())
        : entry.versions().stream().filter(v -> v.getVersion() < live && !entry.rolledBack().contains(v.getVersion()))
            .reduce((a, b) -> b);
    if (target.isEmpty()) {
      return reject(rollback.replyTo(), DeployOutcome.Reason.NOT_FOUND, rollback.toVersion() != 0
          ? "service " + rollback.service() + " has no version " + rollback.toVersion() + " kept; see solo versions " + rollback.service()
          : "service " + rollback.service() + " has no earlier version to roll back to; see solo versions " + rollback.service());
    }
    if (target.get().getVersion() == live) {
      return reject(rollback.replyTo(), DeployOutcome.Reason.FAILED_PRECONDITION,
          "version " + live + " of " + rollback.service() + " is already live");
    }
    swaps.put(rollback.service(), new SwapInFlight(0, rollback.service(), 0, 0, null, true, Duration.ZERO, rollback.principal(),
        rollback.explanation(), 0, rollback.replyTo()));
    startSwap(rollback.service(), children.get(rollback.service()), live, target.get(), true, Duration.ZERO,
        rollback.principal(), rollback.explanation(), rollback.replyTo());
    return Effect().none();
  }

  /** Records hot_swap_started, then asks the service actor to swap. */
  private void startSwap(String service, Child child, int from, ServiceDeployed to, boolean rollback, Duration watchdog,
      String principal, String explanation, ActorRef<DeployOutcome> replyTo) {
    long requestId = ++swapRequests;
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("from_version", Integer.toString(from));
    attributes.put("to_version", Integer.toString(to.getVersion()));
    attributes.put("watchdog_ms", Long.toString(watchdog.toMillis()));
    if (rollback) {
      attributes.put("rollback", "requested");
    }
    putExplanation(attributes, explanation);
    swaps.put(service, new SwapInFlight(requestId, service, from, to.getVersion(), to, rollback, watchdog, principal, explanation,
        0, replyTo));
    audit("hot_swap_started", service, attributes, principal).whenComplete((event, failure) -> {
      long startedId = event == null ? 0 : event.getId();
      // Told first, so the started event's id is known before the actor's answer arrives.
      context.getSelf().tell(new SwapStarted(requestId, startedId));
      // The answer comes back through the swap adapter, in order with the actor's lifecycle news.
      child.ref().tell(new ServiceActor.Swap(requestId, to.getVersion(), to.getArtifactHash(), Set.copyOf(to.getGrantsList()),
          !rollback, watchdog, swapAdapter));
    });
  }

  /** The id of a swap's hot_swap_started event, for the causation of the events that end it. */
  private record SwapStarted(long requestId, long eventId) implements Command {}

  private Effect<TenantEvent, State> onSwapStarted(State state, SwapStarted started) {
    swaps.values().stream().filter(s -> s.requestId() == started.requestId()).findFirst().ifPresent(swap ->
        swaps.put(swap.service(), new SwapInFlight(swap.requestId(), swap.service(), swap.fromVersion(), swap.toVersion(),
            swap.newVersion(), swap.rollback(), swap.watchdog(), swap.principal(), swap.explanation(), started.eventId(),
            swap.replyTo())));
    return Effect().none();
  }

  private Effect<TenantEvent, State> onSwapAnswered(State state, SwapAnswered answered) {
    ServiceActor.SwapResult result = answered.result();
    SwapInFlight swap = swaps.values().stream().filter(s -> s.requestId() == result.requestId()).findFirst().orElse(null);
    if (swap == null) {
      return Effect().none();
    }
    swaps.remove(swap.service());
    if (state.live(swap.service()).isEmpty()) {
      swap.replyTo().tell(new DeployOutcome.Rejected(DeployOutcome.Reason.ABORTED, "the service was killed during the swap"));
      return Effect().none();
    }
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("from_version", Integer.toString(swap.fromVersion()));
    attributes.put("to_version", Integer.toString(swap.toVersion()));
    putExplanation(attributes, swap.explanation());
    if (result instanceof ServiceActor.SwapDone done) {
      Child child = children.get(swap.service());
      if (child != null) {
        children.put(swap.service(), new Child(done.toVersion(), child.ref(), child.state()));
      }
      List<TenantEvent> events = new ArrayList<>();
      long now = runtime.clock().millis();
      if (swap.rollback()) {
        events.add(TenantEvent.newBuilder().setSwapRolledBack(SwapRolledBack.newBuilder().setService(swap.service())
            .setFromVersion(swap.fromVersion()).setToVersion(swap.toVersion()).setCause("requested").setTimeUnixMs(now)).build());
      } else {
        events.add(TenantEvent.newBuilder().setDeployed(swap.newVersion().toBuilder().clearMethods().addAllMethods(done.methods())
            .setTimeUnixMs(now)).build());
        events.add(TenantEvent.newBuilder().setSwapped(ServiceSwapped.newBuilder().setService(swap.service())
            .setFromVersion(swap.fromVersion()).setToVersion(swap.toVersion()).setTimeUnixMs(now)).build());
        if (swap.watchdog().isZero()) {
          events.add(TenantEvent.newBuilder().setSwapCommitted(SwapCommitted.newBuilder().setService(swap.service())
              .setVersion(swap.toVersion()).setTimeUnixMs(now)).build());
        }
      }
      attributes.put("pause_ms", String.format(java.util.Locale.ROOT, "%.3f", done.pauseNanos() / 1e6));
      String type = swap.rollback() ? "hot_swap_rolled_back" : "hot_swap_succeeded";
      if (swap.rollback()) {
        attributes.put("cause", "requested");
      }
      return Effect().persist(events).thenRun(after -> audit(type, swap.service(), attributes, swap.principal(),
              swap.startedEventId())
          .whenComplete((event, failure) -> swap.replyTo().tell(new DeployOutcome.Swapped(swap.service(), swap.toVersion(),
              swap.fromVersion(), event == null ? 0 : event.getId()))));
    }
    ServiceActor.SwapFailed failed = (ServiceActor.SwapFailed) result;
    attributes.put("cause", failed.reason());
    if (!failed.afterStash()) {
      // Nothing changed: the new version could not even be built.
      List<Finding> findings = swap.newVersion() == null ? List.of()
          : ServiceMethods.locate(failed.findings(), Map.of(), swap.newVersion().getEntryClass());
      audit("service_deployment_failed", swap.service(), attributes, swap.principal(), swap.startedEventId())
          .whenComplete((event, failure) -> swap.replyTo().tell(!failed.findings().isEmpty()
              ? new DeployOutcome.Refused(findings)
              : new DeployOutcome.Rejected(DeployOutcome.Reason.FAILED_PRECONDITION, "version " + swap.toVersion() + " of "
                  + swap.service() + " did not start: " + failed.reason() + "; version " + swap.fromVersion() + " runs on")));
      return Effect().none();
    }
    // It failed with requests held: recorded as a version that was rolled back.
    long now = runtime.clock().millis();
    List<TenantEvent> events = new ArrayList<>();
    if (!swap.rollback()) {
      events.add(TenantEvent.newBuilder().setDeployed(swap.newVersion().toBuilder().setTimeUnixMs(now)).build());
    }
    events.add(TenantEvent.newBuilder().setSwapRolledBack(SwapRolledBack.newBuilder().setService(swap.service())
        .setFromVersion(swap.toVersion()).setToVersion(swap.fromVersion()).setCause(failed.reason()).setTimeUnixMs(now)).build());
    attributes.put("from_version", Integer.toString(swap.toVersion()));
    attributes.put("to_version", Integer.toString(swap.fromVersion()));
    attributes.put("state", "the state from before the swap");
    return Effect().persist(events).thenRun(after -> audit("hot_swap_rolled_back", swap.service(), attributes, swap.principal(),
            swap.startedEventId())
        .whenComplete((event, failure) -> swap.replyTo().tell(new DeployOutcome.Rejected(DeployOutcome.Reason.FAILED_PRECONDITION,
            "version " + swap.toVersion() + " of " + swap.service() + " was rolled back: " + failed.reason() + "; version "
                + swap.fromVersion() + " runs on"))));
  }

  private Effect<TenantEvent, State> onRolledBack(State state, ServiceActor.RolledBack rolledBack) {
    String service = rolledBack.key().service();
    Child child = children.get(service);
    if (child != null) {
      children.put(service, new Child(rolledBack.toVersion(), child.ref(), child.state()));
    }
    if (state.live(service).isEmpty()) {
      return Effect().none();
    }
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("from_version", Integer.toString(rolledBack.fromVersion()));
    attributes.put("to_version", Integer.toString(rolledBack.toVersion()));
    attributes.put("cause", rolledBack.cause());
    attributes.put("state", rolledBack.stateFrom());
    SwapRolledBack event = SwapRolledBack.newBuilder().setService(service).setFromVersion(rolledBack.fromVersion())
        .setToVersion(rolledBack.toVersion()).setCause(rolledBack.cause()).setTimeUnixMs(runtime.clock().millis()).build();
    return Effect().persist(TenantEvent.newBuilder().setSwapRolledBack(event).build())
        .thenRun(after -> audit("hot_swap_rolled_back", service, attributes, "kernel", rolledBack.causationId()));
  }

  private Effect<TenantEvent, State> onCommitted(State state, ServiceActor.Committed committed) {
    String service = committed.key().service();
    Optional<ServiceEntry> live = state.live(service);
    if (live.isEmpty() || live.get().swapFrom() == 0) {
      return Effect().none();
    }
    int from = live.get().swapFrom();
    SwapCommitted event = SwapCommitted.newBuilder().setService(service).setVersion(committed.version())
        .setTimeUnixMs(runtime.clock().millis()).build();
    return Effect().persist(TenantEvent.newBuilder().setSwapCommitted(event).build())
        .thenRun(after -> audit("hot_swap_committed", service,
            Map.of("version", Integer.toString(committed.version()), "from_version", Integer.toString(from)), "kernel"));
  }

  private Effect<TenantEvent, State> onAbortSwap(State state, AbortSwap abort) {
    Optional<ServiceEntry> live = state.live(abort.service());
    if (live.isEmpty() || live.get().swapFrom() == 0) {
      return Effect().none();
    }
    ServiceEntry entry = live.get();
    String cause = "the server stopped before the swap was committed";
    SwapRolledBack event = SwapRolledBack.newBuilder().setService(abort.service()).setFromVersion(entry.liveVersion())
        .setToVersion(entry.swapFrom()).setCause(cause).setTimeUnixMs(runtime.clock().millis()).build();
    Map<String, String> attributes = Map.of("from_version", Integer.toString(entry.liveVersion()),
        "to_version", Integer.toString(entry.swapFrom()), "cause", cause);
    return Effect().persist(TenantEvent.newBuilder().setSwapRolledBack(event).build())
        .thenRun(after -> audit("hot_swap_rolled_back", abort.service(), attributes, "kernel"));
  }

  private Effect<TenantEvent, State> onVersions(State state, Versions versions) {
    Optional<ServiceEntry> live = state.live(versions.service());
    versions.replyTo().tell(live.map(entry -> entry.versions().stream().map(v -> new VersionView(v.getVersion(),
        v.getArtifactHash(), v.getTimeUnixMs(),
        v.getVersion() == entry.liveVersion() ? "live" : entry.rolledBack().contains(v.getVersion()) ? "rolled back" : "previous"))
        .toList()));
    return Effect().none();
  }

  // ---- quarantine of one service, and purge ----

  private Effect<TenantEvent, State> onQuarantineService(State state, QuarantineService quarantine) {
    Optional<ServiceEntry> live = state.live(quarantine.service());
    if (live.isEmpty()) {
      quarantine.replyTo().tell(TenantsSupervisor.QuarantineResult.NOT_FOUND);
      return Effect().none();
    }
    if (live.get().quarantined()) {
      quarantine.replyTo().tell(TenantsSupervisor.QuarantineResult.UNCHANGED);
      return Effect().none();
    }
    String reason = quarantine.reason().isBlank() ? "by an operator" : quarantine.reason();
    ServiceQuarantined event = ServiceQuarantined.newBuilder()
        .setService(quarantine.service()).setTimeUnixMs(runtime.clock().millis()).setReason(reason).build();
    return Effect()
        .persist(TenantEvent.newBuilder().setQuarantined(event).build())
        .thenRun(after -> {
          Child child = children.get(quarantine.service());
          CompletionStage<Done> retired = CompletableFuture.completedFuture(Done.getInstance());
          if (child != null) {
            children.put(quarantine.service(), new Child(child.version(), child.ref(), "quarantined"));
            retired = AskPattern.ask(child.ref(), replyTo -> new ServiceActor.Quarantine(reason, replyTo), STEP_TIMEOUT, scheduler);
          }
          Map<String, String> attributes = new LinkedHashMap<>();
          attributes.put("version", Integer.toString(live.get().latest().getVersion()));
          attributes.put("reason", reason);
          retired
              .thenCompose(done -> audit("service_quarantined", quarantine.service(), attributes, quarantine.principal()))
              .whenComplete((stored, failure) -> quarantine.replyTo().tell(TenantsSupervisor.QuarantineResult.CHANGED));
        });
  }

  private Effect<TenantEvent, State> onReleaseService(State state, ReleaseService release) {
    Optional<ServiceEntry> live = state.live(release.service());
    if (live.isEmpty()) {
      release.replyTo().tell(TenantsSupervisor.QuarantineResult.NOT_FOUND);
      return Effect().none();
    }
    if (!live.get().quarantined()) {
      release.replyTo().tell(TenantsSupervisor.QuarantineResult.UNCHANGED);
      return Effect().none();
    }
    ServiceReleased event = ServiceReleased.newBuilder()
        .setService(release.service()).setTimeUnixMs(runtime.clock().millis()).build();
    return Effect()
        .persist(TenantEvent.newBuilder().setReleased(event).build())
        .thenRun(after -> {
          Optional.ofNullable(restarts.get(release.service())).ifPresent(RestartBackoff::reset);
          if (!suspended) {
            // The quarantined instance keeps answering until the new one is registered.
            Child old = children.remove(release.service());
            if (old != null) {
              replaced.put(release.service(), old.ref());
            }
            start(release.service(), after.services().get(release.service()), "release");
          }
          audit("service_released", release.service(),
              Map.of("version", Integer.toString(live.get().latest().getVersion())), release.principal())
              .whenComplete((stored, failure) -> release.replyTo().tell(TenantsSupervisor.QuarantineResult.CHANGED));
        });
  }

  private Effect<TenantEvent, State> onPurge(State state, Purge purge) {
    int services = (int) state.liveCount();
    TenantPurged purged = TenantPurged.newBuilder().setTimeUnixMs(runtime.clock().millis()).build();
    return Effect()
        .persist(TenantEvent.newBuilder().setPurged(purged).build())
        .thenRun(after -> {
          List.copyOf(swaps.keySet()).forEach(service -> abortSwap(service, "the tenant was deleted"));
          List<CompletableFuture<Done>> stops = new ArrayList<>();
          children.forEach((name, child) -> stops.add(unregister(ServiceKey.of(tenant, name), child.ref())
              .thenCompose(done -> AskPattern.<ServiceActor.Command, Done>ask(child.ref(),
                  replyTo -> new ServiceActor.Stop("tenant deleted", false, false, replyTo), STEP_TIMEOUT, scheduler))
              .toCompletableFuture()
              .exceptionally(failure -> Done.getInstance())));
          children.clear();
          starting.clear();
          recovering.clear();
          suspended = true;
          context.pipeToSelf(
              CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new))
                  .thenRunAsync(() -> runtime.kv().deleteTenant(tenant), runtime.deployExecutor()),
              (ok, failure) -> new Purged(services, purge.replyTo()));
        });
  }

  private Effect<TenantEvent, State> onPurged(State state, Purged purged) {
    return Effect().stop().thenRun(after -> purged.replyTo().tell(purged.services()));
  }

  /** Answers a swap under way that will not end: its answer, if any, is ignored. */
  private void abortSwap(String service, String why) {
    SwapInFlight swap = swaps.remove(service);
    if (swap != null) {
      swap.replyTo().tell(new DeployOutcome.Rejected(DeployOutcome.Reason.ABORTED, why));
    }
  }

  private Effect<TenantEvent, State> onStopAll(State state, StopAll stop) {
    List.copyOf(swaps.keySet()).forEach(service -> abortSwap(service, "the service stopped during the swap: " + stop.reason()));
    List<CompletableFuture<Done>> stops = new ArrayList<>();
    for (Child child : children.values()) {
      stops.add(AskPattern.<ServiceActor.Command, Done>ask(child.ref(),
              replyTo -> new ServiceActor.Stop(stop.reason(), true, true, replyTo), STEP_TIMEOUT, scheduler)
          .toCompletableFuture()
          .exceptionally(failure -> Done.getInstance()));
    }
    children.clear();
    CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new))
        .whenComplete((ok, failure) -> stop.replyTo().tell(Done.getInstance()));
    return Effect().none();
  }

  // ---- recovery ----

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), this::onRecovered).build();
  }

  private void onRecovered(State state) {
    state.services().forEach((name, entry) -> {
      if (!entry.killed() && entry.swapFrom() != 0) {
        context.getSelf().tell(new AbortSwap(name));
      }
    });
    if (!suspended) {
      startServices(state, "recovery");
    }
    announceReadyIfDone();
  }

  /**
   * Starts every live service at its newest version, with the state saved at its last stop; a
   * quarantined one gets an actor that answers why, and runs no tenant code.
   */
  private void startServices(State state, String reason) {
    state.services().forEach((name, entry) -> {
      if (entry.killed()) {
        return;
      }
      if (entry.quarantined()) {
        int version = entry.latest().getVersion();
        ActorRef<ServiceActor.Command> ref = context.spawn(
            ServiceActor.quarantined(runtime, ServiceKey.of(tenant, name), version, entry.quarantineReason(), lifecycleAdapter),
            childName(name, version));
        children.put(name, new Child(version, ref, "quarantined"));
        register(ServiceKey.of(tenant, name), ref);
      } else {
        start(name, entry, reason);
      }
    });
  }

  /** Starts a service at its newest version with its saved state; registered once it runs. */
  private void start(String name, ServiceEntry entry, String reason) {
    ServiceDeployed latest = entry.startRecord();
    ActorRef<ServiceActor.Command> ref = context.spawn(
        ServiceActor.create(runtime, ServiceKey.of(tenant, name), latest.getVersion(), latest.getArtifactHash(),
            Set.copyOf(latest.getGrantsList()), new ServiceActor.StartOptions(true, false, logs), lifecycleAdapter),
        childName(name, latest.getVersion()));
    children.put(name, new Child(latest.getVersion(), ref, "starting"));
    recovering.put(name, reason);
  }

  /** {@return a name for a new service actor}: unique, since an old instance may still be stopping */
  private String childName(String service, int version) {
    return service + "-v" + version + "-" + ++spawned;
  }

  private void stopReplaced(ActorRef<ServiceActor.Command> old) {
    if (old != null) {
      old.tell(new ServiceActor.Stop("released", false, false, context.getSystem().ignoreRef()));
    }
  }

  private void announceReadyIfDone() {
    if (recovering.isEmpty() && !announcedReady) {
      announcedReady = true;
      parent.tell(new TenantsSupervisor.TenantReady(tenant));
    }
  }

  // ---- persistence ----

  @Override
  public EventHandler<State, TenantEvent> eventHandler() {
    int keep = runtime.limitsOf(tenant).versionsKept();
    return newEventHandlerBuilder().forAnyState().onAnyEvent((state, event) -> apply(state, event, keep));
  }

  private static State apply(State state, TenantEvent event, int keepVersions) {
    Map<String, ServiceEntry> services = new HashMap<>(state.services());
    switch (event.getKindCase()) {
      case DEPLOYED -> {
        ServiceDeployed deployed = event.getDeployed();
        ServiceEntry entry = services.get(deployed.getService());
        // A live service gets a version to swap to; a new or killed one is deployed anew.
        services.put(deployed.getService(), entry == null || entry.killed()
            ? ServiceEntry.deployed(deployed) : entry.withVersion(deployed, keepVersions));
      }
      case SWAPPED -> services.computeIfPresent(event.getSwapped().getService(),
          (name, entry) -> entry.swapped(event.getSwapped().getFromVersion(), event.getSwapped().getToVersion()));
      case SWAP_COMMITTED -> services.computeIfPresent(event.getSwapCommitted().getService(), (name, entry) -> entry.committed());
      case SWAP_ROLLED_BACK -> services.computeIfPresent(event.getSwapRolledBack().getService(),
          (name, entry) -> entry.rolledBack(event.getSwapRolledBack().getFromVersion(), event.getSwapRolledBack().getToVersion()));
      case KILLED -> services.computeIfPresent(event.getKilled().getService(), (name, entry) -> entry.killedNow());
      case QUARANTINED -> services.computeIfPresent(event.getQuarantined().getService(),
          (name, entry) -> entry.withQuarantine(event.getQuarantined().getReason()));
      case RELEASED -> services.computeIfPresent(event.getReleased().getService(), (name, entry) -> entry.withQuarantine(""));
      case PURGED -> services.clear();
      default -> { }
    }
    return new State(services);
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(100, 2);
  }

  @Override
  public SnapshotAdapter<State> snapshotAdapter() {
    return new SnapshotAdapter<>() {
      @Override
      public Object toJournal(State state) {
        TenantSnapshot.Builder snapshot = TenantSnapshot.newBuilder();
        state.services().forEach((name, entry) -> snapshot.addServices(
            ServiceRecord.newBuilder().setService(name).setKilled(entry.killed()).setQuarantined(entry.quarantined())
                .setQuarantineReason(entry.quarantineReason()).addAllVersions(entry.versions())
                .setLiveVersion(entry.liveVersion()).setSwapFrom(entry.swapFrom()).addAllRolledBack(entry.rolledBack())));
        return snapshot.build();
      }

      @Override
      public State fromJournal(Object from) {
        Map<String, ServiceEntry> services = new HashMap<>();
        for (ServiceRecord record : ((TenantSnapshot) from).getServicesList()) {
          List<ServiceDeployed> versions = record.getVersionsList();
          int live = record.getLiveVersion() != 0 ? record.getLiveVersion() : versions.get(versions.size() - 1).getVersion();
          services.put(record.getService(), new ServiceEntry(record.getKilled(),
              record.getQuarantined() ? record.getQuarantineReason() : "", versions, live, record.getSwapFrom(),
              Set.copyOf(record.getRolledBackList())));
        }
        return new State(services);
      }
    };
  }

  // ---- helpers of this actor ----

  private Effect<TenantEvent, State> reject(ActorRef<DeployOutcome> replyTo, DeployOutcome.Reason reason, String message) {
    replyTo.tell(new DeployOutcome.Rejected(reason, message));
    return Effect().none();
  }

  private CompletionStage<Done> register(ServiceKey key, ActorRef<ServiceActor.Command> ref) {
    return AskPattern.ask(runtime.registry(), replyTo -> new Registry.Register(key, ref, replyTo), STEP_TIMEOUT, scheduler);
  }

  private CompletionStage<Done> unregister(ServiceKey key, ActorRef<ServiceActor.Command> ref) {
    return AskPattern.ask(runtime.registry(), replyTo -> new Registry.Unregister(key, ref, replyTo), STEP_TIMEOUT, scheduler);
  }

  private CompletionStage<Event> audit(String type, String subject, Map<String, String> attributes, String principal) {
    return audit(type, subject, attributes, principal, 0);
  }

  private CompletionStage<Event> audit(String type, String subject, Map<String, String> attributes, String principal,
      long causationId) {
    return EventStore.append(
        runtime.events(), EventStore.draft(tenant, type, subject, attributes, principal, causationId), STEP_TIMEOUT);
  }

  private static void putExplanation(Map<String, String> attributes, String explanation) {
    if (explanation != null && !explanation.isBlank()) {
      attributes.put("explanation", explanation);
    }
  }

}
