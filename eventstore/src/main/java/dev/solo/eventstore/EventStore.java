package dev.solo.eventstore;

import dev.solo.proto.v1.Event;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;

/**
 * Appends events to the global log with group commit: while one batch is being written, new
 * appends wait, and the next journal write takes all of them at once. Each caller gets its
 * event, with its id, only once it is durable.
 *
 * <p>An append carries the future it completes, and its deadline, rather than asking: an ask
 * (or a timer per future) costs a temporary actor, a scheduler entry and a chain of adapters per
 * event, which at tens of thousands of events a second was a large part of the store's work. The
 * store itself fails appends whose deadline has passed, on a timer of its own. The futures of one
 * batch are completed together by one task on the actor's dispatcher, so that whatever a caller
 * chains onto its future never runs on the store's own thread.
 */
public final class EventStore extends AbstractBehavior<EventStore.Command> {
  /** The most events one journal write takes. */
  static final int MAX_BATCH = 1000;

  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(15);

  /**
   * The event log's dispatcher: a thread of its own that handles a whole batch's journal replies
   * in one go, rather than five at a time between other actors' messages.
   */
  static final String LOG_DISPATCHER = "solo.event-log-dispatcher";

  /** How often the store looks for appends whose deadline has passed. */
  static final Duration SWEEP_INTERVAL = Duration.ofMillis(200);

  /** The event store's protocol. */
  public sealed interface Command permits Append, BatchStored, BatchFailed, Sweep {}

  /**
   * Appends one event, serialized as {@code bytes} by the caller; {@code reply} completes with the
   * stored event, its id and times filled in, or fails with a {@link TimeoutException} soon after
   * {@code deadlineNanos} ({@link System#nanoTime()}).
   */
  record Append(Event draft, byte[] bytes, long deadlineNanos, CompletableFuture<Event> reply) implements Command {}

  private record BatchStored(EventLog.Stored stored) implements Command {}

  private record BatchFailed(Throwable cause) implements Command {}

  private enum Sweep implements Command { INSTANCE }

  private final ActorRef<EventLog.Command> log;
  private final ArrayDeque<Append> pending = new ArrayDeque<>();
  private List<Append> inFlight = List.of();
  private long batchStartNanos;

  /** {@return the event store, writing to the journal and publishing to the feed's live tail} */
  public static Behavior<Command> create(Clock clock, EventFeed feed) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Sweep.INSTANCE, SWEEP_INTERVAL);
      return new EventStore(context, clock, feed);
    }));
  }

  /** {@return an event to append: the log fills in the id and the times} */
  public static Event draft(
      String tenant, String type, String subject, Map<String, String> attributes, String principal, long causationId) {
    return Event.newBuilder()
        .setTenant(tenant)
        .setType(type)
        .setSubject(subject)
        .putAllAttributes(attributes)
        .setPrincipal(principal)
        .setCausationId(causationId)
        .build();
  }

  /**
   * Appends one event and completes with it, id and times filled in, once it is durable; fails
   * soon after {@code timeout} if it is not durable by then. The store answers every append it
   * receives, also when it stops or restarts; one sent to a store that has already stopped is
   * never answered, so a caller that blocks on the result gives its wait a deadline of its own.
   */
  public static CompletionStage<Event> append(ActorRef<Command> store, Event draft, Duration timeout) {
    CompletableFuture<Event> reply = new CompletableFuture<>();
    store.tell(new Append(draft, draft.toByteArray(), System.nanoTime() + timeout.toNanos(), reply));
    return reply;
  }

  private EventStore(ActorContext<Command> context, Clock clock, EventFeed feed) {
    super(context);
    this.log = context.spawn(
        Behaviors.supervise(EventLog.create(clock, feed.tail()))
            .onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofMillis(100), Duration.ofSeconds(5), 0.2)),
        "log",
        DispatcherSelector.fromConfig(LOG_DISPATCHER));
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Append.class, this::onAppend)
        .onMessage(BatchStored.class, this::onBatchStored)
        .onMessage(BatchFailed.class, this::onBatchFailed)
        .onMessage(Sweep.class, sweep -> onSweep())
        .onSignal(PreRestart.class, signal -> failAll("the event store restarted"))
        .onSignal(PostStop.class, signal -> failAll("the event store stopped"))
        .build();
  }

  private Behavior<Command> onAppend(Append append) {
    pending.add(append);
    if (inFlight.isEmpty()) {
      writeNextBatch();
    }
    return this;
  }

  private Behavior<Command> onBatchStored(BatchStored stored) {
    EventStoreMetrics.written(inFlight.size(), System.nanoTime() - batchStartNanos);
    List<Append> done = inFlight;
    EventLog.Stored batch = stored.stored();
    getContext().getExecutionContext().execute(() -> {
      for (int i = 0; i < done.size(); i++) {
        done.get(i).reply().complete(batch.event(done.get(i).draft(), i));
      }
    });
    inFlight = List.of();
    writeNextBatch();
    return this;
  }

  private Behavior<Command> onBatchFailed(BatchFailed failed) {
    EventStoreMetrics.failed(System.nanoTime() - batchStartNanos);
    getContext().getLog().error("event log write failed for {} events", inFlight.size(), failed.cause());
    fail(inFlight, "the event log could not be written");
    inFlight = List.of();
    writeNextBatch();
    return this;
  }

  /**
   * Fails the appends whose deadline has passed: those still waiting leave the queue, those being
   * written are answered now (their events may still become durable, as after a timed-out ask).
   */
  private Behavior<Command> onSweep() {
    long now = System.nanoTime();
    pending.removeIf(append -> {
      if (now - append.deadlineNanos() <= 0) {
        return false;
      }
      timeOut(append);
      return true;
    });
    for (Append append : inFlight) {
      if (now - append.deadlineNanos() > 0) {
        timeOut(append);
      }
    }
    return this;
  }

  private static void timeOut(Append append) {
    append.reply().completeExceptionally(new TimeoutException("the event log did not store the event in time"));
  }

  private Behavior<Command> failAll(String reason) {
    fail(inFlight, reason);
    fail(List.copyOf(pending), reason);
    inFlight = List.of();
    pending.clear();
    return this;
  }

  /** Fails appends on the store's thread: this happens rarely, and perhaps while the actor stops. */
  private static void fail(List<Append> appends, String reason) {
    IllegalStateException failure = new IllegalStateException(reason);
    appends.forEach(append -> append.reply().completeExceptionally(failure));
  }

  private void writeNextBatch() {
    if (pending.isEmpty()) {
      return;
    }
    List<Append> batch = new ArrayList<>(Math.min(pending.size(), MAX_BATCH));
    while (!pending.isEmpty() && batch.size() < MAX_BATCH) {
      batch.add(pending.poll());
    }
    inFlight = batch;
    batchStartNanos = System.nanoTime();
    getContext().ask(
        EventLog.Stored.class,
        log,
        WRITE_TIMEOUT,
        replyTo -> new EventLog.AppendBatch(batch, replyTo),
        (stored, failure) -> stored != null ? new BatchStored(stored) : new BatchFailed(failure));
  }
}
