package dev.solo.eventstore;

import dev.solo.proto.v1.Event;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Hands durable events to live followers. Subscribing and publishing share one lock, so a new
 * follower learns exactly which id the history ends at: it reads the history up to that id and
 * takes every later event from here, with no gap and no duplicate.
 */
final class LiveTail {
  private final Object lock = new Object();
  private final List<Consumer<List<Event>>> listeners = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Long> recovered = new CompletableFuture<>();
  private long lastPublishedId;

  /**
   * Called by the event log after recovery and after each durable batch, in id order; the events
   * are only made if someone follows.
   */
  void publish(long lastId, Supplier<List<Event>> events) {
    synchronized (lock) {
      lastPublishedId = lastId;
      recovered.complete(lastId);
      if (!listeners.isEmpty()) {
        List<Event> published = events.get();
        for (Consumer<List<Event>> listener : listeners) {
          listener.accept(published);
        }
      }
    }
  }

  /** {@return the id of the newest durable event when the listener was added} */
  long subscribe(Consumer<List<Event>> listener) {
    synchronized (lock) {
      listeners.add(listener);
      return lastPublishedId;
    }
  }

  void unsubscribe(Consumer<List<Event>> listener) {
    listeners.remove(listener);
  }

  /** {@return completes with the newest id once the log has recovered} */
  CompletableFuture<Long> recovered() {
    return recovered;
  }

  long lastPublishedId() {
    synchronized (lock) {
      return lastPublishedId;
    }
  }
}
