package dev.solo.eventstore;

import dev.solo.proto.v1.Event;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Scheduler;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.pattern.StatusReply;

/**
 * Appends events to the global log with group commit: while one batch is being written, new
 * appends wait, and the next journal write takes all of them at once. Each caller gets its
 * event, with its id, only once it is durable.
 */
public final class EventStore extends AbstractBehavior<EventStore.Command> {
  /** The most events one journal write takes. */
  static final int MAX_BATCH = 1000;

  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(15);

  /** The event store's protocol. */
  public sealed interface Command permits Append, BatchStored, BatchFailed {}

  /** Appends one event; the reply is the stored event with its id, time and monotonic time. */
  public record Append(Event draft, ActorRef<StatusReply<Event>> replyTo) implements Command {}

  private record BatchStored(List<Event> events) implements Command {}

  private record BatchFailed(Throwable cause) implements Command {}

  private final ActorRef<EventLog.Command> log;
  private final ArrayDeque<Append> pending = new ArrayDeque<>();
  private List<Append> inFlight = List.of();
  private long batchStartNanos;

  /** {@return the event store, writing to the journal and publishing to the feed's live tail} */
  public static Behavior<Command> create(Clock clock, EventFeed feed) {
    return Behaviors.setup(context -> new EventStore(context, clock, feed));
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
   * if the store does not answer within {@code timeout}.
   */
  public static CompletionStage<Event> append(
      ActorRef<Command> store, Event draft, Duration timeout, Scheduler scheduler) {
    return AskPattern.<Command, StatusReply<Event>>ask(store, replyTo -> new Append(draft, replyTo), timeout, scheduler)
        .thenApply(StatusReply::getValue);
  }

  private EventStore(ActorContext<Command> context, Clock clock, EventFeed feed) {
    super(context);
    this.log = context.spawn(
        Behaviors.supervise(EventLog.create(clock, feed.tail()))
            .onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofMillis(100), Duration.ofSeconds(5), 0.2)),
        "log");
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Append.class, this::onAppend)
        .onMessage(BatchStored.class, this::onBatchStored)
        .onMessage(BatchFailed.class, this::onBatchFailed)
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
    for (int i = 0; i < inFlight.size(); i++) {
      inFlight.get(i).replyTo().tell(StatusReply.success(stored.events().get(i)));
    }
    inFlight = List.of();
    writeNextBatch();
    return this;
  }

  private Behavior<Command> onBatchFailed(BatchFailed failed) {
    EventStoreMetrics.failed(System.nanoTime() - batchStartNanos);
    getContext().getLog().error("event log write failed for {} events", inFlight.size(), failed.cause());
    for (Append append : inFlight) {
      append.replyTo().tell(StatusReply.error("the event log could not be written"));
    }
    inFlight = List.of();
    writeNextBatch();
    return this;
  }

  @SuppressWarnings("unchecked")
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
    List<Event> drafts = batch.stream().map(Append::draft).toList();
    getContext().ask(
        (Class<List<Event>>) (Class<?>) List.class,
        log,
        WRITE_TIMEOUT,
        replyTo -> new EventLog.AppendBatch(drafts, replyTo),
        (events, failure) -> events != null ? new BatchStored(events) : new BatchFailed(failure));
  }
}
