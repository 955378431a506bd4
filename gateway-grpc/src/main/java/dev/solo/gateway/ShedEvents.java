package dev.solo.gateway;

import dev.solo.eventstore.EventStore;
import dev.solo.proto.v1.Event;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records shed calls as {@code load_shed} events, sampled: a flood sheds thousands of calls a
 * second, and one event each would flood the journal in turn. A tenant gets at most one event
 * per interval; its {@code count} attribute is the number of the tenant's calls shed since its
 * previous event, this one included. Calls shed after a tenant's last event are counted in the
 * metrics ({@code solo_shed_total}) only. The caller never waits for the journal.
 */
final class ShedEvents {
  private static final Logger LOG = LoggerFactory.getLogger(ShedEvents.class);
  private static final Duration APPEND_TIMEOUT = Duration.ofSeconds(15);
  /** Tenants not shed for this many intervals are forgotten, so the map stays small. */
  private static final int FORGET_AFTER_INTERVALS = 60;

  private final Consumer<Event> append;
  private final LongSupplier nanoTime;
  private final long intervalNanos;
  private final Map<String, Sample> samples = new ConcurrentHashMap<>();
  private volatile long lastSweep;

  /** One tenant's sampling state. */
  private static final class Sample {
    long lastEvent;
    long pending;
    boolean emitted;
  }

  ShedEvents(ActorRef<EventStore.Command> events, Duration interval) {
    this(draft -> EventStore.append(events, draft, APPEND_TIMEOUT).whenComplete((event, failure) -> {
      if (failure != null) {
        LOG.warn("a load_shed event of tenant {} could not be recorded", draft.getTenant());
      }
    }), System::nanoTime, interval);
  }

  ShedEvents(Consumer<Event> append, LongSupplier nanoTime, Duration interval) {
    this.append = append;
    this.nanoTime = nanoTime;
    this.intervalNanos = interval.toNanos();
    this.lastSweep = nanoTime.getAsLong();
  }

  /**
   * Counts a shed call and appends a {@code load_shed} event if the tenant had none within the
   * interval.
   *
   * @param principal who called
   * @param service the service called, the event's subject
   */
  void shed(LoadShedder.Refusal refusal, String principal, String service) {
    long now = nanoTime.getAsLong();
    Sample sample = samples.computeIfAbsent(refusal.tenant(), tenant -> new Sample());
    long count;
    synchronized (sample) {
      sample.pending++;
      if (sample.emitted && now - sample.lastEvent < intervalNanos) {
        return;
      }
      count = sample.pending;
      sample.pending = 0;
      sample.lastEvent = now;
      sample.emitted = true;
    }
    Map<String, String> attributes = new LinkedHashMap<>();
    attributes.put("reason", refusal.reason().label());
    attributes.put("count", Long.toString(count));
    attributes.put("inflight", Integer.toString(refusal.inflight()));
    attributes.put("limit", Integer.toString(refusal.limit()));
    attributes.put("retry_after_ms", Long.toString(refusal.retryAfterMillis()));
    append.accept(EventStore.draft(refusal.tenant(), "load_shed", service, attributes, principal, 0));
    sweep(now);
  }

  private void sweep(long now) {
    if (now - lastSweep < intervalNanos * FORGET_AFTER_INTERVALS) {
      return;
    }
    lastSweep = now;
    for (Iterator<Sample> it = samples.values().iterator(); it.hasNext(); ) {
      Sample sample = it.next();
      synchronized (sample) {
        if (sample.pending == 0 && now - sample.lastEvent > intervalNanos * FORGET_AFTER_INTERVALS) {
          it.remove();
        }
      }
    }
  }
}
