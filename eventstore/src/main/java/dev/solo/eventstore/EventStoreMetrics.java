package dev.solo.eventstore;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;

/**
 * The event log's metrics: how long each group-commit write to the journal takes, and how many
 * events it carries. Static metric objects, registered on the registry the kernel passes to
 * {@link #register} (see {@code dev.solo.gateway.GatewayMetrics} for why).
 */
public final class EventStoreMetrics {
  private static final Histogram WRITE_LATENCY = Histogram.builder()
      .name("solo_journal_write_duration_seconds")
      .unit(Unit.SECONDS)
      .help("Time of one journal write (a group-commit batch of events), until it is durable")
      .classicOnly()
      .classicUpperBounds(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 15)
      .build();

  private static final Histogram BATCH_SIZE = Histogram.builder()
      .name("solo_journal_batch_events")
      .help("Events per journal write: many appends that arrive together share one write")
      .classicOnly()
      .classicUpperBounds(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, EventStore.MAX_BATCH)
      .build();

  private static final Counter WRITE_FAILURES = Counter.builder()
      .name("solo_journal_write_failures_total")
      .help("Journal writes that failed; their events were not stored and their appenders were told so")
      .build();

  private EventStoreMetrics() {}

  /** Registers the event log's metrics on {@code registry}. */
  public static void register(PrometheusRegistry registry) {
    registry.register(WRITE_LATENCY);
    registry.register(BATCH_SIZE);
    registry.register(WRITE_FAILURES);
  }

  static void written(int events, long nanos) {
    WRITE_LATENCY.observe(nanos / 1e9);
    BATCH_SIZE.observe(events);
  }

  static void failed(long nanos) {
    WRITE_LATENCY.observe(nanos / 1e9);
    WRITE_FAILURES.inc();
  }
}
