package dev.solo.client;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Function;
import java.util.function.ObjIntConsumer;
import java.util.function.Supplier;

/**
 * Events as the server streams them. {@link #hasNext()} blocks until the next event arrives; with
 * {@link EventQuery#follow()} it blocks until a new event is appended. {@link #close()} cancels
 * the call; it may be called from another thread, and the blocked {@code hasNext()} then returns
 * false. Use it in try-with-resources.
 */
public final class EventStream implements Iterator<Event>, AutoCloseable {
  private final Supplier<Iterator<dev.solo.proto.v1.Event>> opener;
  private final boolean retryable;
  private final ObjIntConsumer<StatusRuntimeException> pause;
  private final Function<StatusRuntimeException, SoloException> failure;
  private volatile Context.CancellableContext context;
  private volatile boolean closed;
  private Iterator<dev.solo.proto.v1.Event> events;
  private boolean delivered;
  private int retries;

  EventStream(
      Supplier<Iterator<dev.solo.proto.v1.Event>> opener,
      boolean retryable,
      ObjIntConsumer<StatusRuntimeException> pause,
      Function<StatusRuntimeException, SoloException> failure) {
    this.opener = opener;
    this.retryable = retryable;
    this.pause = pause;
    this.failure = failure;
    open();
  }

  /**
   * {@return true when another event arrived, false at the end of the history or after close}
   *
   * @throws SoloException if the call failed
   */
  @Override
  public boolean hasNext() {
    while (!closed) {
      try {
        if (events.hasNext()) return true;
        close();
      } catch (StatusRuntimeException e) {
        if (closed) return false;
        if (!retryable || delivered || retries == SoloClient.RETRIES || e.getStatus().getCode() != Status.Code.UNAVAILABLE) {
          close();
          throw failure.apply(e);
        }
        // A query that has delivered nothing yet is safe to start over.
        pause.accept(e, retries++);
        context.cancel(null);
        open();
      }
    }
    return false;
  }

  /**
   * {@return the next event, waiting for it if need be}
   *
   * @throws NoSuchElementException if the stream ended or was closed
   */
  @Override
  public Event next() {
    if (!hasNext()) throw new NoSuchElementException("no more events");
    delivered = true;
    return Event.from(events.next());
  }

  /** Cancels the call. Closing twice does nothing. */
  @Override
  public void close() {
    closed = true;
    context.cancel(null);
  }

  private void open() {
    Context.CancellableContext fresh = Context.current().withCancellation();
    Context previous = fresh.attach();
    try {
      events = opener.get();
    } finally {
      fresh.detach(previous);
    }
    context = fresh;
  }
}
