package dev.solo.eventstore;

import dev.solo.proto.v1.Event;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.apache.pekko.Done;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.persistence.query.PersistenceQuery;
import org.apache.pekko.persistence.query.journal.leveldb.javadsl.LeveldbReadJournal;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.UniqueKillSwitch;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;

/**
 * Reads the event log: queries over the history and, with {@link EventFilter#follow()}, the live
 * tail after it, with no gap and no duplicate.
 */
public final class EventFeed {
  /** Live events a follower may fall behind by before its stream is ended. */
  static final int LIVE_BUFFER = 10_000;

  private final ActorSystem<?> system;
  private final LiveTail tail = new LiveTail();
  private volatile LeveldbReadJournal journal;

  /** Creates the feed for the event log of this actor system. */
  public EventFeed(ActorSystem<?> system) {
    this.system = system;
  }

  LiveTail tail() {
    return tail;
  }

  /** {@return completes with the newest event id once the event log has recovered} */
  public CompletionStage<Long> recovered() {
    return tail.recovered().copy();
  }

  /** {@return the id of the newest durable event} */
  public long lastId() {
    return tail.lastPublishedId();
  }

  /** A running stream of events; closing it ends the stream. */
  public interface Subscription extends AutoCloseable {
    /** Ends the stream; the end callback runs with no error. */
    @Override
    void close();

    /** {@return completes when the stream has ended, for whatever reason} */
    CompletionStage<Done> done();
  }

  /** Thrown into a follower's stream when it fell more than {@link #LIVE_BUFFER} events behind. */
  public static final class FollowerTooSlowException extends RuntimeException {
    FollowerTooSlowException(long lastDelivered) {
      super("the follower fell " + LIVE_BUFFER + " events behind; resume after id " + lastDelivered);
    }
  }

  /** {@return the events the filter selects from the history (follow is ignored)} */
  public CompletionStage<List<Event>> query(EventFilter filter) {
    List<Event> events = Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<List<Event>> result = new CompletableFuture<>();
    stream(filter.withFollow(false), events::add, failure -> {
      if (failure == null) {
        result.complete(List.copyOf(events));
      } else {
        result.completeExceptionally(failure);
      }
    });
    return result;
  }

  /**
   * Streams the selected events to {@code onEvent}, one at a time, in id order (newest first if
   * asked). {@code onEnd} runs once when the stream ends, with null or the failure.
   */
  public Subscription stream(EventFilter filter, Consumer<Event> onEvent, Consumer<Throwable> onEnd) {
    Source<Event, NotUsed> source;
    Consumer<List<Event>> listener = null;
    if (filter.follow()) {
      Pair<BoundedSourceQueue<Event>, Source<Event, NotUsed>> live = Source.<Event>queue(LIVE_BUFFER).preMaterialize(system);
      BoundedSourceQueue<Event> queue = live.first();
      listener = events -> offerAll(queue, events);
      long upTo = tail.subscribe(listener);
      source = history(filter, upTo).concat(live.second()).filter(filter::matches);
    } else {
      source = history(filter, tail.lastPublishedId()).filter(filter::matches);
    }
    if (filter.newestFirst()) {
      int keep = filter.limit() == 0 ? EventFilter.MAX_LIMIT : filter.limit();
      source = source
          .fold(new ArrayDeque<Event>(), (newest, event) -> keepNewest(newest, event, keep))
          .mapConcat(newest -> {
            List<Event> reversed = new ArrayList<>(newest);
            Collections.reverse(reversed);
            return reversed;
          });
    } else if (filter.limit() > 0) {
      source = source.take(filter.limit());
    }
    Pair<UniqueKillSwitch, CompletionStage<Done>> running = source
        .viaMat(KillSwitches.single(), Keep.right())
        .toMat(Sink.foreach(onEvent::accept), Keep.both())
        .run(system);
    Consumer<List<Event>> registered = listener;
    CompletionStage<Done> done = running.second().whenComplete((ok, failure) -> {
      if (registered != null) {
        tail.unsubscribe(registered);
      }
      onEnd.accept(failure);
    });
    return new Subscription() {
      @Override
      public void close() {
        running.first().shutdown();
      }

      @Override
      public CompletionStage<Done> done() {
        return done;
      }
    };
  }

  private static void offerAll(BoundedSourceQueue<Event> queue, List<Event> events) {
    for (Event event : events) {
      QueueOfferResult result = queue.offer(event);
      if (result != QueueOfferResult.enqueued()) {
        if (result == QueueOfferResult.dropped()) {
          queue.fail(new FollowerTooSlowException(event.getId() - 1));
        }
        return;
      }
    }
  }

  private static ArrayDeque<Event> keepNewest(ArrayDeque<Event> newest, Event event, int keep) {
    newest.addLast(event);
    if (newest.size() > keep) {
      newest.removeFirst();
    }
    return newest;
  }

  private Source<Event, NotUsed> history(EventFilter filter, long upTo) {
    if (upTo <= filter.afterId()) {
      return Source.empty();
    }
    return readJournal()
        .currentEventsByPersistenceId(EventLog.PERSISTENCE_ID, filter.afterId() + 1, upTo)
        .map(envelope -> (Event) envelope.event());
  }

  private LeveldbReadJournal readJournal() {
    LeveldbReadJournal current = journal;
    if (current == null) {
      current = PersistenceQuery.get(system).getReadJournalFor(LeveldbReadJournal.class, LeveldbReadJournal.Identifier());
      journal = current;
    }
    return current;
  }
}
