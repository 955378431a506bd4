package dev.solo.tenant;

import dev.solo.eventstore.EventStore;
import dev.solo.proto.state.v1.TenantAdded;
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

  /** The tenants supervisor's protocol. */
  public sealed interface Command permits CreateTenant, ListTenants, GetTenant, AwaitReady, StopAll, TenantReady {}

  /** Creates a tenant; the name must already be valid. */
  public record CreateTenant(String name, String principal, ActorRef<Created> replyTo) implements Command {}

  /** The answer to {@link CreateTenant}: the event id, or {@code alreadyExists}. */
  public record Created(String name, boolean alreadyExists, long eventId) {}

  /** Lists the tenants, by name. */
  public record ListTenants(ActorRef<List<TenantView>> replyTo) implements Command {}

  /** A tenant as the admin sees it. */
  public record TenantView(String name, long createdUnixMs) {}

  /** Finds a tenant's supervisor. */
  public record GetTenant(String name, ActorRef<Optional<ActorRef<TenantSupervisor.Command>>> replyTo) implements Command {}

  /** Answers once every tenant has restarted its services after recovery. */
  public record AwaitReady(ActorRef<Done> replyTo) implements Command {}

  /** Drains, snapshots and stops every service of every tenant. */
  public record StopAll(String reason, ActorRef<Done> replyTo) implements Command {}

  /** Sent by a tenant supervisor once its services are back. */
  public record TenantReady(String name) implements Command {}

  /** The persisted tenants list. */
  public record State(Map<String, TenantAdded> tenants) {
    public State {
      tenants = Map.copyOf(tenants);
    }
  }

  private final ActorContext<Command> context;
  private final TenantRuntime runtime;
  private final Map<String, ActorRef<TenantSupervisor.Command>> supervisors = new HashMap<>();
  private final Set<String> notReady = new HashSet<>();
  private final List<ActorRef<Done>> readyWaiters = new ArrayList<>();
  private boolean recovered;

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
    return new State(Map.of());
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
          spawnTenant(create.name());
          Event draft = EventStore.draft(create.name(), "tenant_created", create.name(), Map.of(), create.principal(), 0);
          EventStore.append(runtime.events(), draft, STEP_TIMEOUT, context.getSystem().scheduler())
              .whenComplete((event, failure) ->
                  create.replyTo().tell(new Created(create.name(), false, event == null ? 0 : event.getId())));
        });
  }

  private Effect<TenantsEvent, State> onList(State state, ListTenants list) {
    List<TenantView> views = new ArrayList<>();
    new TreeMap<>(state.tenants()).forEach((name, added) -> views.add(new TenantView(name, added.getTimeUnixMs())));
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
    state.tenants().keySet().forEach(name -> {
      notReady.add(name);
      spawnTenant(name);
    });
    recovered = true;
    answerReadyWaiters();
  }

  private void spawnTenant(String name) {
    // One tenant's failures never restart another tenant or the system subtree.
    ActorRef<TenantSupervisor.Command> supervisor = context.spawn(
        Behaviors.supervise(TenantSupervisor.create(name, runtime, context.getSelf()))
            .onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2)),
        "tenant-" + name);
    supervisors.put(name, supervisor);
  }

  @Override
  public EventHandler<State, TenantsEvent> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent(TenantsSupervisor::apply);
  }

  private static State apply(State state, TenantsEvent event) {
    Map<String, TenantAdded> tenants = new HashMap<>(state.tenants());
    switch (event.getKindCase()) {
      case ADDED -> tenants.put(event.getAdded().getName(), event.getAdded());
      case REMOVED -> tenants.remove(event.getRemoved().getName());
      default -> { }
    }
    return new State(tenants);
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
        return TenantsSnapshot.newBuilder().addAllTenants(state.tenants().values()).build();
      }

      @Override
      public State fromJournal(Object from) {
        Map<String, TenantAdded> tenants = new HashMap<>();
        ((TenantsSnapshot) from).getTenantsList().forEach(added -> tenants.put(added.getName(), added));
        return new State(tenants);
      }
    };
  }
}
