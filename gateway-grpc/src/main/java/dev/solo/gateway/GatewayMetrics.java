package dev.solo.gateway;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;

/**
 * The gateway's metrics: service calls by tenant and outcome, their latency, and the load
 * shedder's refusals and occupancy.
 *
 * <p>The metric objects are static, like a logger: the call path records into them without a
 * registry being threaded through it, and they work (and cost next to nothing) when no metrics
 * endpoint is on. What a scrape shows is decided by the registry they are registered on: the
 * kernel registers them on its own {@link PrometheusRegistry}, not the JVM-wide default, so two
 * servers in one JVM (tests) do not collide over names, and nothing else in the JVM leaks into
 * {@code /metrics}.
 */
public final class GatewayMetrics {
  private static final Counter CALLS = Counter.builder()
      .name("solo_calls_total")
      .help("Service calls (Solo.Call) by tenant and outcome: a gRPC status code such as OK or RESOURCE_EXHAUSTED")
      .labelNames("tenant", "code")
      .build();

  private static final Histogram LATENCY = Histogram.builder()
      .name("solo_call_duration_seconds")
      .unit(Unit.SECONDS)
      .help("Service call latency in the gateway, from the request to the reply, queueing included, by tenant")
      .labelNames("tenant")
      .classicOnly()
      .classicUpperBounds(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
      .build();

  private static final Counter SHEDS = Counter.builder()
      .name("solo_shed_total")
      .help("Service calls refused by the load shedder, by tenant and reason (tenant_limit, global_limit, fair_share)")
      .labelNames("tenant", "reason")
      .build();

  private GatewayMetrics() {}

  /**
   * Registers the gateway's metrics on {@code registry}, with gauges of the calls in flight and
   * running in {@code shedder}.
   */
  public static void register(PrometheusRegistry registry, LoadShedder shedder) {
    registry.register(CALLS);
    registry.register(LATENCY);
    registry.register(SHEDS);
    registry.register(GaugeWithCallback.builder()
        .name("solo_calls_inflight")
        .help("Service calls in flight now, queued or running, across tenants")
        .callback(callback -> callback.call(shedder.inflight()))
        .build());
    registry.register(GaugeWithCallback.builder()
        .name("solo_calls_running")
        .help("Service calls dispatched to their services now; the rest wait in per-tenant queues")
        .callback(callback -> callback.call(shedder.running()))
        .build());
  }

  /** Records a finished call: its outcome code and how long it took. */
  static void call(String tenant, String code, long nanos) {
    CALLS.labelValues(tenant, code).inc();
    LATENCY.labelValues(tenant).observe(nanos / 1e9);
  }

  /** Records a shed call (its outcome is recorded by {@link #call} as well). */
  static void shed(LoadShedder.Refusal refusal) {
    SHEDS.labelValues(refusal.tenant(), refusal.reason().label()).inc();
  }
}
