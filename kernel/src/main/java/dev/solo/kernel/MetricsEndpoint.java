package dev.solo.kernel;

import dev.solo.eventstore.EventStoreMetrics;
import dev.solo.gateway.GatewayMetrics;
import dev.solo.gateway.LoadShedder;
import dev.solo.tenant.TenantMetrics;
import dev.solo.tenant.TenantThreads;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;

/**
 * Prometheus metrics over HTTP ({@code solo server --metrics-port N}): {@code GET /metrics} in
 * the text format. The registry is this server's own, not the JVM-wide default: each module
 * registers the metrics it owns on it (the gateway its calls and sheds, the tenant subtree its
 * budget trips, restarts, breakers and running services, the event log its journal writes), and
 * the JVM's memory pools, threads, GC and class loading come from Prometheus' JVM module.
 */
final class MetricsEndpoint implements AutoCloseable {
  private final HTTPServer server;

  private MetricsEndpoint(HTTPServer server) {
    this.server = server;
  }

  /** {@return a started endpoint on {@code host}:{@code port}} */
  static MetricsEndpoint start(String host, int port, LoadShedder shedder, TenantThreads threads) throws IOException {
    PrometheusRegistry registry = new PrometheusRegistry();
    GatewayMetrics.register(registry, shedder);
    TenantMetrics.register(registry, threads);
    EventStoreMetrics.register(registry);
    JvmMetrics.builder().register(registry);
    return new MetricsEndpoint(HTTPServer.builder().hostname(host).port(port).registry(registry).buildAndStart());
  }

  /** {@return the port it listens on} */
  int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.close();
  }
}
