package dev.solo.tenant;

import dev.solo.eventstore.EventStore;
import dev.solo.proto.state.v1.TenantAdded;
import dev.solo.proto.state.v1.TenantQuarantined;
import dev.solo.proto.state.v1.TenantReleased;
import dev.solo.proto.state.v1.TenantRemoved;
import dev.solo.proto.state.v1.TenantsEvent;
import dev.solo.proto.state.v1.TenantsSnapshot;
import dev.solo.proto.v1.Event;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
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
 * The list of tenants (an event-sourced entity, persistence id {@code tenants}) and the parent of
 * every tenant supervisor. It knows when every tenant has brought its services back after a
 * restart, which is when the gateway may open.
 */
public final class TenantsSupervisor
    extends EventSourcedBehavior<TenantsSupervisor.Command, TenantsEvent, TenantsSupervisor.State> {

  private static final Duration STEP_TIMEOUT = Duration.ofSeconds(15);
  /** How often unused artifacts are collected, and how old one must be (a deploy stores it before recording it). */
  private static final Duration ARTIFACT_COLLECTION_EVERY = Duration.ofMinutes(10);
  private static final Duration ARTIFACT_MIN_AGE = Duration.ofMinutes(10);

  /** The tenants supervisor's protocol. */
  public sealed interface Command
      permits CreateTenant, ListTenants, GetTenant, AwaitReady, StopAll, TenantReady, SetQuarantine, SetQuota, DeleteTenant,
          TenantPurged, CollectArtifacts {}

  /** Deletes stored artifacts that no kept version of any tenant refers to; then runs again later. */
  public record CollectArtifacts() implements Command {}

  /**
   * Sets limits of one tenant: every limit {@code change} sets replaces the tenant's quota for
   * it; a change that sets nothing only reads. The reply is the tenant's limits after the change,
   * empty if there is no such tenant.
   */
  public record SetQuota(String name, Quota change, String principal, ActorRef<Optional<TenantRuntime.Limits>> replyTo)
      implements Command {}

  /**
   * Deletes a tenant: its services stop, its key-value data, saved states, quota and history go,
   * and a {@code tenant_deleted} event records it. Its tokens and secrets are the caller's to
   * revoke and delete first; {@code attributes} (their counts) go into the event.
   */
  public record DeleteTenant(String name, String principal, Map<String, String> attributes, ActorRef<Deleted> replyTo)
      implements Command {}

  /** The answer to {@link DeleteTenant}. */
  public record Deleted(DeleteResult result, int servicesStopped) {}

  /** How a {@link DeleteTenant} ended. */
  public enum DeleteResult {
    /** The tenant is deleted, and its event is durable. */
    DELETED,
    /** There is no such tenant. */
    NOT_FOUND,
    /** Another delete of the tenant is under way. */
    IN_PROGRESS,
    /** A step failed; the tenant is not deleted, and the delete can be tried again. */
    FAILED
  }

  private record TenantPurged(DeleteTenant delete, int services, Throwable failure) implements Command {}

  /**
   * Quarantines a tenant (its calls refused, its services stopped with their state saved,
   * nothing deleted) or releases it (its services start again with that state).
   */
  public record SetQuarantine(String name, boolean quarantined, String principal, String reason, ActorRef<QuarantineResult> replyTo)
      implements Command {}

  /** The answer to {@link SetQuarantine}. */
  public enum QuarantineResult {
    /** The tenant is now quarantined or released, and its event is durable. */
    CHANGED,
    /** The tenant already was. */
    UNCHANGED,
    /** There is no such tenant. */
    NOT_FOUND
  }

  /** Creates a tenant; the name must already be valid. */
  public record CreateTenant(String name, String principal, ActorRef<Created> replyTo) implements Command {}

  /** The answer to {@link CreateTenant}: the event id, or {@code alreadyExists}. */
  public record Created(String name, boolean alreadyExists, long eventId) {}

  /** Lists the tenants, by name. */
  public record ListTenants(ActorRef<List<TenantView>> replyTo) implements Command {}

  /** A tenant as the admin sees it. */
  public record TenantView(String name, long createdUnixMs, boolean quarantined) {}

  /** Finds a tenant's supervisor. */
  public record GetTenant(String name, ActorRef<Optional<ActorRef<TenantSupervisor.Command>>> replyTo) implements Command {}

  /** Answers once every tenant has restarted its services after recovery. */
  public record AwaitReady(ActorRef<Done> replyTo) implements Command {}

  /** Drains, snapshots and stops every service of every tenant. */
  public record StopAll(String reason, ActorRef<Done> replyTo) implements Command {}

  /** Sent by a tenant supervisor once its services are back. */
  public record TenantReady(String name) implements Command {}

  /** The persisted tenants list, which of them are quarantined, and their quotas. */
  public record State(Map<String, TenantAdded> tenants, Set<String> quarantined, Map<String, Quota> quotas) {
    public State {
      tenants = Map.copyOf(tenants);
      quarantined = Set.copyOf(quarantined);
      quotas = Map.copyOf(quotas);
    }
  }

  private final ActorContext<Command> context;
  private final TenantRuntime runtime;
  private final Map<String, ActorRef<TenantSupervisor.Command>> supervisors = new HashMap<>();
  private final Set<String> notReady = new HashSet<>();
  private final List<ActorRef<Done>> readyWaiters = new ArrayList<>();
  private final Set<String> deleting = new HashSet<>();
  private boolean recovered;
  private long spawned;

  /** {@return the tenants supervisor} */
  public static Behavior<Command> create(TenantRuntime runtime) {
    return Behaviors.setup(context -> new TenantsSupervisor(context, runtime));
  }

  private TenantsSupervisor(ActorContext<Command> context, TenantRuntime runtime) {
    super(PersistenceId.ofUniqueId("tenants"));
    this.context = context;
    this.runtime = runtime;
  }

  @Override
  public State emptyState() {
    return new State(Map.of(), Set.of(), Map.of());
  }

  @Override
  public CommandHandler<Command, TenantsEvent, State> commandHandler() {
    return newCommandHandlerBuilder()
        .forAnyState()
        .onCommand(CreateTenant.class, this::onCreate)
        .onCommand(ListTenants.class, this::onList)
        .onCommand(GetTenant.class, this::onGet)
        .onCommand(AwaitReady.class, this::onAwaitReady)
        .onCommand(StopAll.class, this::onStopAll)
        .onCommand(TenantReady.class, this::onTenantReady)
        .onCommand(SetQuarantine.class, this::onSetQuarantine)
        .onCommand(SetQuota.class, this::onSetQuota)
        .onCommand(DeleteTenant.class, this::onDelete)
        .onCommand(TenantPurged.class, this::onPurged)
        .onCommand(CollectArtifacts.class, this::onCollectArtifacts)
        .build();
  }

  private Effect<TenantsEvent, State> onCreate(State state, CreateTenant create) {
    if (state.tenants().containsKey(create.name())) {
      create.replyTo().tell(new Created(create.name(), true, 0));
      return Effect().none();
    }
    TenantAdded added = TenantAdded.newBuilder().setName(create.name()).setTimeUnixMs(runtime.clock().millis()).build();
    return Effect()
        .persist(TenantsEvent.newBuilder().setAdded(added).build())
        .thenRun(after -> {
          spawnTenant(create.name(), false);
          Event draft = EventStore.draft(create.name(), "tenant_created", create.name(), Map.of(), create.principal(), 0);
          EventStore.append(runtime.events(), draft, STEP_TIMEOUT)
              .whenComplete((event, failure) ->
                  create.replyTo().tell(new Created(create.name(), false, event == null ? 0 : event.getId())));
        });
  }

  private Effect<TenantsEvent, State> onSetQuarantine(State state, SetQuarantine set) {
    ActorRef<TenantSupervisor.Command> supervisor = supervisors.get(set.name());
    if (!state.tenants().containsKey(set.name()) || supervisor == null) {
      set.replyTo().tell(QuarantineResult.NOT_FOUND);
      return Effect().none();
    }
    if (state.quarantined().contains(set.name()) == set.quarantined()) {
      set.replyTo().tell(QuarantineResult.UNCHANGED);
      return Effect().none();
    }
    long now = runtime.clock().millis();
    TenantsEvent event = set.quarantined()
        ? TenantsEvent.newBuilder().setQuarantined(TenantQuarantined.newBuilder()
            .setName(set.name()).setTimeUnixMs(now).setReason(set.reason())).build()
        : TenantsEvent.newBuilder().setReleased(TenantReleased.newBuilder().setName(set.name()).setTimeUnixMs(now)).build();
    return Effect().persist(event).thenRun(after -> {
      Map<String, String> attributes = set.reason().isBlank() ? Map.of() : Map.of("reason", set.reason());
      Event draft = EventStore.draft(set.name(), set.quarantined() ? "tenant_quarantined" : "tenant_released", set.name(),
          attributes, set.principal(), 0);
      java.util.concurrent.CompletionStage<Done> services;
      if (set.quarantined()) {
        // Refused at the gateway first, so no new work reaches the services being stopped.
        runtime.quarantine().quarantine(set.name());
        services = AskPattern.ask(supervisor, replyTo -> new TenantSupervisor.Suspend(set.reason(), replyTo),
            STEP_TIMEOUT.multipliedBy(2), context.getSystem().scheduler());
      } else {
        supervisor.tell(new TenantSupervisor.Resume());
        runtime.quarantine().release(set.name());
        services = CompletableFuture.completedFuture(Done.getInstance());
      }
      services
          .thenCompose(done -> EventStore.append(runtime.events(), draft, STEP_TIMEOUT))
          .whenComplete((stored, failure) -> set.replyTo().tell(QuarantineResult.CHANGED));
    });
  }

  private Effect<TenantsEvent, State> onSetQuota(State state, SetQuota set) {
    if (!state.tenants().containsKey(set.name())) {
      set.replyTo().tell(Optional.empty());
      return Effect().none();
    }
    Quota before = state.quotas().getOrDefault(set.name(), Quota.NONE);
    Quota after = before.merge(set.change());
    if (after.equals(before)) {
      set.replyTo().tell(Optional.of(runtime.limitsOf(set.name())));
      return Effect().none();
    }
    TenantsEvent event = TenantsEvent.newBuilder().setQuotaSet(after.toEvent(set.name(), runtime.clock().millis())).build();
    return Effect().persist(event).thenRun(next -> {
      runtime.quotas().set(set.name(), after);
      Event draft = EventStore.draft(set.name(), "tenant_quota_set", set.name(), set.change().asAttributes(), set.principal(), 0);
      EventStore.append(runtime.events(), draft, STEP_TIMEOUT)
          .whenComplete((stored, failure) -> set.replyTo().tell(Optional.of(runtime.limitsOf(set.name()))));
    });
  }

  private Effect<TenantsEvent, State> onDelete(State state, DeleteTenant delete) {
    ActorRef<TenantSupervisor.Command> supervisor = supervisors.get(delete.name());
    if (!state.tenants().containsKey(delete.name()) || supervisor == null) {
      delete.replyTo().tell(new Deleted(DeleteResult.NOT_FOUND, 0));
      return Effect().none();
    }
    if (!deleting.add(delete.name())) {
      delete.replyTo().tell(new Deleted(DeleteResult.IN_PROGRESS, 0));
      return Effect().none();
    }
    // Refused at the gateway at once, while its services stop.
    runtime.quarantine().quarantine(delete.name());
    context.pipeToSelf(
        AskPattern.<TenantSupervisor.Command, Integer>ask(supervisor, TenantSupervisor.Purge::new,
            STEP_TIMEOUT.multipliedBy(2), context.getSystem().scheduler()),
        (services, failure) -> new TenantPurged(delete, services == null ? 0 : services, failure));
    return Effect().none();
  }

  private Effect<TenantsEvent, State> onPurged(State state, TenantPurged purged) {
    DeleteTenant delete = purged.delete();
    if (purged.failure() != null) {
      deleting.remove(delete.name());
      if (!state.quarantined().contains(delete.name())) {
        runtime.quarantine().release(delete.name());
      }
      context.getLog().warn("deleting tenant {} failed: {}", delete.name(), purged.failure().toString());
      delete.replyTo().tell(new Deleted(DeleteResult.FAILED, 0));
      return Effect().none();
    }
    TenantRemoved removed = TenantRemoved.newBuilder().setName(delete.name()).setTimeUnixMs(runtime.clock().millis()).build();
    return Effect().persist(TenantsEvent.newBuilder().setRemoved(removed).build()).thenRun(after -> {
      deleting.remove(delete.name());
      supervisors.remove(delete.name());
      notReady.remove(delete.name());
      runtime.quotas().remove(delete.name());
      runtime.quarantine().release(delete.name());
      Map<String, String> attributes = new java.util.LinkedHashMap<>(delete.attributes());
      attributes.put("services_stopped", Integer.toString(purged.services()));
      // The tenant's own events stay: the log is append-only, and the admin can still audit them.
      Event draft = EventStore.draft(delete.name(), "tenant_deleted", delete.name(), attributes, delete.principal(), 0);
      EventStore.append(runtime.events(), draft, STEP_TIMEOUT)
          .whenComplete((stored, failure) -> delete.replyTo().tell(new Deleted(DeleteResult.DELETED, purged.services())));
    });
  }

  private Effect<TenantsEvent, State> onCollectArtifacts(State state, CollectArtifacts collect) {
    List<CompletableFuture<Set<String>>> asks = new ArrayList<>();
    for (ActorRef<TenantSupervisor.Command> supervisor : supervisors.values()) {
      asks.add(AskPattern.<TenantSupervisor.Command, Set<String>>ask(supervisor, TenantSupervisor.ReferencedArtifacts::new,
          STEP_TIMEOUT, context.getSystem().scheduler()).toCompletableFuture());
    }
    // If any tenant does not answer, nothing is collected this time: only what is known unused goes.
    CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new))
        .thenApplyAsync(done -> {
          Set<String> referenced = new HashSet<>();
          asks.forEach(ask -> referenced.addAll(ask.join()));
          try {
            return runtime.artifacts().collect(referenced, ARTIFACT_MIN_AGE);
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }, runtime.deployExecutor())
        .whenComplete((deleted, failure) -> {
          if (failure != null) {
            context.getLog().warn("collecting unused artifacts failed: {}", failure.toString());
          } else if (!deleted.isEmpty()) {
            EventStore.append(runtime.events(), EventStore.draft("", "artifacts_collected", "artifacts",
                Map.of("deleted", Integer.toString(deleted.size())), "kernel", 0), STEP_TIMEOUT);
          }
        });
    context.scheduleOnce(ARTIFACT_COLLECTION_EVERY, context.getSelf(), new CollectArtifacts());
    return Effect().none();
  }

  private Effect<TenantsEvent, State> onList(State state, ListTenants list) {
    List<TenantView> views = new ArrayList<>();
    new TreeMap<>(state.tenants()).forEach((name, added) ->
        views.add(new TenantView(name, added.getTimeUnixMs(), state.quarantined().contains(name))));
    list.replyTo().tell(List.copyOf(views));
    return Effect().none();
  }

  private Effect<TenantsEvent, State> onGet(State state, GetTenant get) {
    get.replyTo().tell(Optional.ofNullable(supervisors.get(get.name())));
    return Effect().none();
  }

  private Effect<TenantsEvent, State> onAwaitReady(State state, AwaitReady await) {
    readyWaiters.add(await.replyTo());
    answerReadyWaiters();
    return Effect().none();
  }

  private Effect<TenantsEvent, State> onTenantReady(State state, TenantReady ready) {
    notReady.remove(ready.name());
    answerReadyWaiters();
    return Effect().none();
  }

  private Effect<TenantsEvent, State> onStopAll(State state, StopAll stop) {
    List<CompletableFuture<Done>> stops = new ArrayList<>();
    for (ActorRef<TenantSupervisor.Command> supervisor : supervisors.values()) {
      stops.add(AskPattern.<TenantSupervisor.Command, Done>ask(supervisor,
              replyTo -> new TenantSupervisor.StopAll(stop.reason(), replyTo), STEP_TIMEOUT.multipliedBy(2),
              context.getSystem().scheduler())
          .toCompletableFuture()
          .exceptionally(failure -> Done.getInstance()));
    }
    CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new))
        .whenComplete((ok, failure) -> stop.replyTo().tell(Done.getInstance()));
    return Effect().none();
  }

  private void answerReadyWaiters() {
    if (recovered && notReady.isEmpty()) {
      readyWaiters.forEach(waiter -> waiter.tell(Done.getInstance()));
      readyWaiters.clear();
    }
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), this::onRecovered).build();
  }

  private void onRecovered(State state) {
    state.quarantined().forEach(runtime.quarantine()::quarantine);
    state.quotas().forEach(runtime.quotas()::set);
    state.tenants().keySet().forEach(name -> {
      notReady.add(name);
      spawnTenant(name, state.quarantined().contains(name));
    });
    recovered = true;
    answerReadyWaiters();
    context.scheduleOnce(ARTIFACT_COLLECTION_EVERY, context.getSelf(), new CollectArtifacts());
  }

  private void spawnTenant(String name, boolean quarantined) {
    // One tenant's failures never restart another tenant or the system subtree.
    ActorRef<TenantSupervisor.Command> supervisor = context.spawn(
        Behaviors.supervise(TenantSupervisor.create(name, runtime, context.getSelf(), quarantined))
            .onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2)),
        // Unique: a deleted tenant's supervisor may still be stopping when the name is created again.
        "tenant-" + name + "-" + ++spawned);
    supervisors.put(name, supervisor);
  }

  @Override
  public EventHandler<State, TenantsEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(TenantsSupervisor::apply);
  }

  private static State apply(State state, TenantsEvent event) {
    Map<String, TenantAdded> tenants = new HashMap<>(state.tenants());
    Set<String> quarantined = new HashSet<>(state.quarantined());
    Map<String, Quota> quotas = new HashMap<>(state.quotas());
    switch (event.getKindCase()) {
      case ADDED -> tenants.put(event.getAdded().getName(), event.getAdded());
      case REMOVED -> {
        tenants.remove(event.getRemoved().getName());
        quarantined.remove(event.getRemoved().getName());
        quotas.remove(event.getRemoved().getName());
      }
      case QUARANTINED -> quarantined.add(event.getQuarantined().getName());
      case RELEASED -> quarantined.remove(event.getReleased().getName());
      case QUOTA_SET -> quotas.put(event.getQuotaSet().getName(), Quota.of(event.getQuotaSet()));
      default -> { }
    }
    return new State(tenants, quarantined, quotas);
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
        TenantsSnapshot.Builder snapshot =
            TenantsSnapshot.newBuilder().addAllTenants(state.tenants().values()).addAllQuarantined(state.quarantined());
        state.quotas().forEach((name, quota) -> snapshot.addQuotas(quota.toEvent(name, 0)));
        return snapshot.build();
      }

      @Override
      public State fromJournal(Object from) {
        TenantsSnapshot snapshot = (TenantsSnapshot) from;
        Map<String, TenantAdded> tenants = new HashMap<>();
        snapshot.getTenantsList().forEach(added -> tenants.put(added.getName(), added));
        Map<String, Quota> quotas = new HashMap<>();
        snapshot.getQuotasList().forEach(set -> quotas.put(set.getName(), Quota.of(set)));
        return new State(tenants, Set.copyOf(snapshot.getQuarantinedList()), quotas);
      }
    };
  }
}
