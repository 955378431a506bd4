package dev.solo.eventstore;

import dev.solo.proto.state.v1.EventLogSnapshot;
import dev.solo.proto.v1.Event;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * The global event log: one event-sourced entity whose sequence numbers are the event ids, so
 * ids are strictly increasing and gap-free. It persists a whole batch in one journal write.
 *
 * <p>It journals each event as a {@link StoredEvent} (the draft's bytes, serialized by the caller,
 * with the id and times), which reads back as an {@link Event}: so its events are {@code Object}s,
 * a {@code StoredEvent} when written and an {@code Event} when replayed.
 */
final class EventLog extends EventSourcedBehavior<EventLog.Command, Object, EventLog.State> {
  static final String PERSISTENCE_ID = "event-log";

  sealed interface Command permits AppendBatch {}

  /**
   * Persists the appends' drafts in order, giving each the next id; replies with the first id
   * and the times they share.
   */
  record AppendBatch(List<EventStore.Append> appends, ActorRef<Stored> replyTo) implements Command {
    AppendBatch {
      appends = List.copyOf(appends);
    }
  }

  /** A durable batch: its events have the ids {@code firstId} onwards, and these times. */
  record Stored(long firstId, long timeUnixMs, long monotonicNs) {
    /** {@return the stored form of the draft at {@code index} in the batch} */
    Event event(Event draft, int index) {
      return draft.toBuilder().setId(firstId + index).setTimeUnixMs(timeUnixMs).setMonotonicNs(monotonicNs).build();
    }

    /** {@return the batch's events, as stored} */
    List<Event> events(List<EventStore.Append> appends) {
      List<Event> events = new ArrayList<>(appends.size());
      for (int i = 0; i < appends.size(); i++) {
        events.add(event(appends.get(i).draft(), i));
      }
      return events;
    }
  }

  record State(long lastId) {}

  private final Clock clock;
  private final LiveTail tail;

  static Behavior<Command> create(Clock clock, LiveTail tail) {
    return new EventLog(clock, tail);
  }

  private EventLog(Clock clock, LiveTail tail) {
    super(PersistenceId.ofUniqueId(PERSISTENCE_ID));
    this.clock = clock;
    this.tail = tail;
  }

  @Override
  public State emptyState() {
    return new State(0);
  }

  @Override
  public CommandHandler<Command, Object, State> commandHandler() {
    return newCommandHandlerBuilder().forAnyState().onCommand(AppendBatch.class, this::onAppend).build();
  }

  private org.apache.pekko.persistence.typed.javadsl.Effect<Object, State> onAppend(State state, AppendBatch batch) {
    Stored stored = new Stored(state.lastId() + 1, clock.millis(), System.nanoTime());
    List<Object> events = new ArrayList<>(batch.appends().size());
    for (int i = 0; i < batch.appends().size(); i++) {
      events.add(new StoredEvent(batch.appends().get(i).bytes(), stored.firstId() + i, stored.timeUnixMs(),
          stored.monotonicNs()));
    }
    return Effect().persist(events).thenRun(after -> {
      tail.publish(after.lastId(), () -> stored.events(batch.appends()));
      batch.replyTo().tell(stored);
    });
  }

  @Override
  public EventHandler<State, Object> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent((state, event) -> new State(idOf(event)));
  }

  private static long idOf(Object event) {
    return event instanceof StoredEvent stored ? stored.id() : ((Event) event).getId();
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> tail.publish(state.lastId(), List::of))
        .build();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    // Snapshots bound recovery time; events are never deleted, queries read them.
    return RetentionCriteria.snapshotEvery(10_000, 2);
  }

  @Override
  public SnapshotAdapter<State> snapshotAdapter() {
    return new SnapshotAdapter<>() {
      @Override
      public Object toJournal(State state) {
        return EventLogSnapshot.newBuilder().setLastId(state.lastId()).build();
      }

      @Override
      public State fromJournal(Object from) {
        return new State(((EventLogSnapshot) from).getLastId());
      }
    };
  }
}
