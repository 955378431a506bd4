package dev.solo.tenant;

import dev.solo.capability.Names;
import dev.solo.deploy.DeployResult;
import dev.solo.eventstore.EventStore;
import dev.solo.hardening.Finding;
import dev.solo.proto.state.v1.ServiceDeployed;
import dev.solo.proto.state.v1.ServiceKilled;
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
      permits Deploy, Kill, ListServices, GetStatus, StopAll, Suspend, Resume, PipelineDone, LifecycleChanged {}

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

  /** A live service and, if its actor answered, its counters. */
  public record StatusView(ServiceView service, Optional<ServiceActor.Status> counters) {}

  /** Drains, snapshots and stops every service (graceful shutdown). */
  public record StopAll(String reason, ActorRef<Done> replyTo) implements Command {}

  private record PipelineDone(Deploy deploy, DeployResult result) implements Command {}

  private record LifecycleChanged(ServiceActor.Lifecycle lifecycle) implements Command {}

  /** A live service as {@code solo list} shows it. */
  public record ServiceView(String name, int version, String state, String artifactHash, long deployedUnixMs) {}

  /** A service's persisted history. */
  record ServiceEntry(boolean killed, List<ServiceDeployed> versions) {
    ServiceDeployed latest() {
      return versions.get(versions.size() - 1);
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
      return entry == null ? 1 : entry.latest().getVersion() + 1;
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
  private final Set<String> deploying = new java.util.HashSet<>();
  private final Set<String> recovering = new java.util.HashSet<>();
  private boolean announcedReady;
  private boolean suspended;
  private String startReason = "recovery";

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
        .onCommand(StopAll.class, this::onStopAll)
        .onCommand(Suspend.class, this::onSuspend)
        .onCommand(Resume.class, this::onResume)
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
    // A fresh deploy starts clean: a snapshot saved by a killed incarnation is not restored.
    ActorRef<ServiceActor.Command> ref = context.spawn(
        ServiceActor.create(runtime, key, version, accepted.artifact().hash(), Set.copyOf(deploy.grants()), false, lifecycleAdapter),
        deploy.service() + "-v" + version);
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
        return recordDeploy(start, running.ref());
      }
      if (recovering.remove(service)) {
        register(running.key(), running.ref())
            .thenCompose(done -> audit("service_started", service,
                Map.of("version", Integer.toString(running.version()), "reason", startReason), "kernel"));
        announceReadyIfDone();
      }
      return Effect().none();
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
      audit("service_deployment_failed", service, attributes, start.deploy().principal())
          .whenComplete((event, failure) -> start.deploy().replyTo().tell(new DeployOutcome.Rejected(
              DeployOutcome.Reason.FAILED_PRECONDITION, "service " + service + " did not start: " + failed.reason())));
    } else if (recovering.remove(service)) {
      // Registered anyway: callers learn why it is down instead of NOT_FOUND.
      register(failed.key(), child.ref())
          .thenCompose(done -> audit("service_crashed", service,
              Map.of("version", Integer.toString(failed.version()), "reason", failed.reason()), "kernel"));
      announceReadyIfDone();
    }
    return Effect().none();
  }

  private Effect<TenantEvent, State> recordDeploy(Starting start, ActorRef<ServiceActor.Command> ref) {
    Deploy deploy = start.deploy();
    ServiceDeployed deployed = ServiceDeployed.newBuilder()
        .setService(deploy.service())
        .setVersion(start.version())
        .setArtifactHash(start.artifactHash())
        .setEntryClass(start.entryClass())
        .setTimeUnixMs(runtime.clock().millis())
        .addAllGrants(deploy.grants())
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
    String shown = child != null ? child.state() : suspended ? "quarantined" : "stopped";
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
      get.replyTo().tell(Optional.of(new StatusView(view, Optional.empty())));
      return Effect().none();
    }
    AskPattern.<ServiceActor.Command, ServiceActor.Status>ask(child.ref(), ServiceActor.GetStatus::new, STEP_TIMEOUT, scheduler)
        .whenComplete((status, failure) -> get.replyTo().tell(Optional.of(new StatusView(view, Optional.ofNullable(status)))));
    return Effect().none();
  }

  private Effect<TenantEvent, State> onSuspend(State state, Suspend suspend) {
    suspended = true;
    return onStopAll(state, new StopAll("quarantined: " + suspend.reason(), suspend.replyTo()));
  }

  private Effect<TenantEvent, State> onResume(State state, Resume resume) {
    if (suspended) {
      suspended = false;
      startReason = "release";
      startServices(state);
    }
    return Effect().none();
  }

  private Effect<TenantEvent, State> onStopAll(State state, StopAll stop) {
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
    if (!suspended) {
      startServices(state);
    }
    announceReadyIfDone();
  }

  /** Starts every live service at its newest version, with the state saved at its last stop. */
  private void startServices(State state) {
    state.services().forEach((name, entry) -> {
      if (!entry.killed()) {
        ServiceDeployed latest = entry.latest();
        ActorRef<ServiceActor.Command> ref = context.spawn(
            ServiceActor.create(runtime, ServiceKey.of(tenant, name), latest.getVersion(), latest.getArtifactHash(),
                Set.copyOf(latest.getGrantsList()), true, lifecycleAdapter),
            name + "-v" + latest.getVersion());
        children.put(name, new Child(latest.getVersion(), ref, "starting"));
        recovering.add(name);
      }
    });
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
    return newEventHandlerBuilder().forAnyState().onAnyEvent(TenantSupervisor::apply);
  }

  private static State apply(State state, TenantEvent event) {
    Map<String, ServiceEntry> services = new HashMap<>(state.services());
    switch (event.getKindCase()) {
      case DEPLOYED -> {
        ServiceDeployed deployed = event.getDeployed();
        ServiceEntry entry = services.get(deployed.getService());
        List<ServiceDeployed> versions = new ArrayList<>(entry == null ? List.of() : entry.versions());
        versions.add(deployed);
        services.put(deployed.getService(), new ServiceEntry(false, List.copyOf(versions)));
      }
      case KILLED -> services.computeIfPresent(event.getKilled().getService(),
          (name, entry) -> new ServiceEntry(true, entry.versions()));
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
            ServiceRecord.newBuilder().setService(name).setKilled(entry.killed()).addAllVersions(entry.versions())));
        return snapshot.build();
      }

      @Override
      public State fromJournal(Object from) {
        Map<String, ServiceEntry> services = new HashMap<>();
        for (ServiceRecord record : ((TenantSnapshot) from).getServicesList()) {
          services.put(record.getService(), new ServiceEntry(record.getKilled(), List.copyOf(record.getVersionsList())));
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
    return EventStore.append(
        runtime.events(), EventStore.draft(tenant, type, subject, attributes, principal, 0), STEP_TIMEOUT, scheduler);
  }

  private static void putExplanation(Map<String, String> attributes, String explanation) {
    if (explanation != null && !explanation.isBlank()) {
      attributes.put("explanation", explanation);
    }
  }

}
