package dev.solo.tenant;

import dev.solo.hardening.budget.BudgetExceededError;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * The tenant subtree's metrics: budget trips, restarts, circuit breaker states and running
 * services, by tenant. Static metric objects, registered on the registry the kernel passes to
 * {@link #register} (see {@code dev.solo.gateway.GatewayMetrics} for why); recording costs next
 * to nothing when no metrics endpoint is on.
 *
 * <p>Whoever owns a state change records it here: the service actor its budget trips and its
 * running state, the tenant supervisor its restarts, a circuit breaker its transitions.
 */
public final class TenantMetrics {
  private static final Counter BUDGET_TRIPS = Counter.builder()
      .name("solo_budget_trips_total")
      .help("Calls of tenant code stopped by a budget, by tenant and budget (cpu, wall, memory, array, depth, killed, none)")
      .labelNames("tenant", "kind")
      .build();

  private static final Counter RESTARTS = Counter.builder()
      .name("solo_service_restarts_total")
      .help("Services restarted by their tenant supervisor after a failure, by tenant and service")
      .labelNames("tenant", "service")
      .build();

  private static final Counter CPU = Counter.builder()
      .name("solo_service_cpu_seconds_total")
      .help("CPU time used by the calls of each service, by tenant and service")
      .labelNames("tenant", "service")
      .build();

  private static final Counter ALLOCATED = Counter.builder()
      .name("solo_service_allocated_bytes_total")
      .help("Bytes allocated by the calls of each service, by tenant and service")
      .labelNames("tenant", "service")
      .build();

  private static final Gauge BREAKERS = Gauge.builder()
      .name("solo_breaker_state")
      .help("Circuit breaker of each service: 0 closed, 1 open, 2 half-open")
      .labelNames("tenant", "service")
      .build();

  private static final Gauge RUNNING = Gauge.builder()
      .name("solo_services_running")
      .help("Services whose instance is running and takes calls, by tenant")
      .labelNames("tenant")
      .build();

  /** A circuit breaker's state, with the value the gauge shows. */
  public enum BreakerState {
    /** Calls pass: 0. */
    CLOSED,
    /** Calls fail fast: 1. */
    OPEN,
    /** One probe call passes: 2. */
    HALF_OPEN;

    /** {@return the gauge's value for this state} */
    public int value() {
      return ordinal();
    }
  }

  private TenantMetrics() {}

  /**
   * Registers the tenant subtree's metrics on {@code registry}, with a gauge of the abandoned
   * threads of {@code threads}.
   */
  public static void register(PrometheusRegistry registry, TenantThreads threads) {
    registry.register(BUDGET_TRIPS);
    registry.register(RESTARTS);
    registry.register(CPU);
    registry.register(ALLOCATED);
    registry.register(BREAKERS);
    registry.register(RUNNING);
    registry.register(GaugeWithCallback.builder()
        .name("solo_tenant_threads_abandoned")
        .help("Tenant-code threads abandoned after a call would not stop, that have not come back yet")
        .callback(callback -> callback.call(threads.abandonedThreads()))
        .build());
  }

  /** Records a call of tenant code stopped by its budget. */
  public static void budgetTrip(String tenant, BudgetExceededError.Kind kind) {
    BUDGET_TRIPS.labelValues(tenant, kind.budgetName()).inc();
  }

  /** Records what one call of a service used. */
  static void used(ServiceKey key, long cpuNanos, long allocatedBytes) {
    CPU.labelValues(key.tenant(), key.service()).inc(cpuNanos / 1e9);
    ALLOCATED.labelValues(key.tenant(), key.service()).inc(allocatedBytes);
  }

  /** Records a restart of a failed service. */
  public static void restarted(ServiceKey key) {
    RESTARTS.labelValues(key.tenant(), key.service()).inc();
  }

  /** Records the state a service's circuit breaker is in now. */
  public static void breakerState(ServiceKey key, BreakerState state) {
    BREAKERS.labelValues(key.tenant(), key.service()).set(state.value());
  }

  /** Forgets a service's circuit breaker, when the service is gone (killed or its tenant deleted). */
  public static void breakerRemoved(ServiceKey key) {
    BREAKERS.remove(key.tenant(), key.service());
  }

  /** Records that a service's instance started running ({@code true}) or stopped running. */
  static void running(ServiceKey key, boolean running) {
    if (running) {
      RUNNING.labelValues(key.tenant()).inc();
    } else {
      RUNNING.labelValues(key.tenant()).dec();
    }
  }
}
