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
 */
final class EventLog extends EventSourcedBehavior<EventLog.Command, Event, EventLog.State> {
  static final String PERSISTENCE_ID = "event-log";

  sealed interface Command permits AppendBatch {}

  /** Persists the drafts in order, giving each the next id; replies with the stored events. */
  record AppendBatch(List<Event> drafts, ActorRef<List<Event>> replyTo) implements Command {
    AppendBatch {
      drafts = List.copyOf(drafts);
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
  public CommandHandler<Command, Event, State> commandHandler() {
    return newCommandHandlerBuilder().forAnyState().onCommand(AppendBatch.class, this::onAppend).build();
  }

  private org.apache.pekko.persistence.typed.javadsl.Effect<Event, State> onAppend(State state, AppendBatch append) {
    long now = clock.millis();
    long monotonic = System.nanoTime();
    List<Event> stored = new ArrayList<>(append.drafts().size());
    long id = state.lastId();
    for (Event draft : append.drafts()) {
      stored.add(draft.toBuilder().setId(++id).setTimeUnixMs(now).setMonotonicNs(monotonic).build());
    }
    return Effect().persist(stored).thenRun(after -> {
      tail.publish(after.lastId(), stored);
      append.replyTo().tell(stored);
    });
  }

  @Override
  public EventHandler<State, Event> eventHandler() {
    return newEventHandlerBuilder().forAnyState().onAnyEvent((state, event) -> new State(event.getId()));
  }

  @Override
  public SignalHandler<State> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(RecoveryCompleted.instance(), state -> tail.publish(state.lastId(), List.of()))
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
