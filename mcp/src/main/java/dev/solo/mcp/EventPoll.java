package dev.solo.mcp;

import dev.solo.client.Event;
import dev.solo.client.EventQuery;
import dev.solo.client.EventStream;
import dev.solo.client.SoloClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Reads the tenant's events after an id, and with a wait, long-polls: it follows the log live
 * and returns as soon as events come (after a short linger that gathers a burst), or empty when
 * the wait is over. Each poll has its own stream, closed before it returns.
 */
final class EventPoll {
  static final int DEFAULT_LIMIT = 100;
  static final int MAX_LIMIT = 1000;
  static final long MAX_WAIT_MS = 60_000;
  /** How long a poll keeps gathering after its first event: a deploy is several events in a row. */
  private static final Duration LINGER = Duration.ofMillis(150);

  private final SoloClient client;
  private final ScheduledExecutorService timers;

  EventPoll(SoloClient client, ScheduledExecutorService timers) {
    this.client = client;
    this.timers = timers;
  }

  /**
   * One page of events, oldest first.
   *
   * @param events the events
   * @param nextAfterId the {@code after_id} of the next poll: the last event's id, or the given one
   */
  record Page(List<Event> events, long nextAfterId) {
    Page {
      events = List.copyOf(events);
    }
  }

  /** {@return the events after {@code afterId} of the given types (all if empty), waiting up to {@code waitMs} for one} */
  Page poll(long afterId, List<String> types, int limit, long waitMs) {
    EventQuery query = EventQuery.of().withAfterId(afterId).withTypes(types);
    List<Event> events = new ArrayList<>();
    if (waitMs == 0) {
      try (EventStream stream = client.events(query.withLimit(limit))) {
        stream.forEachRemaining(events::add);
      }
    } else {
      try (EventStream stream = client.events(query.withFollow(true))) {
        // Closing the stream from a timer ends a blocked hasNext(): that is the deadline.
        ScheduledFuture<?> deadline = timers.schedule(stream::close, waitMs, TimeUnit.MILLISECONDS);
        try {
          while (events.size() < limit && stream.hasNext()) {
            events.add(stream.next());
            if (events.size() == 1) {
              deadline.cancel(false);
              deadline = timers.schedule(stream::close, LINGER.toMillis(), TimeUnit.MILLISECONDS);
            }
          }
        } catch (NoSuchElementException closedBetweenHasNextAndNext) {
          // the deadline passed: return what came
        } finally {
          deadline.cancel(false);
        }
      }
    }
    long next = events.isEmpty() ? afterId : events.get(events.size() - 1).id();
    return new Page(events, next);
  }
}
