package dev.solo.cli;

import dev.solo.client.ServiceStatus;
import dev.solo.client.SoloClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code solo status SERVICE}: {@code key: value} lines. */
@Command(name = "status", description = "Show the health of a service, as `key: value` lines.")
final class StatusCommand extends ClientCommand {

  @Parameters(paramLabel = "SERVICE", description = "Service name.")
  String service;

  @Override
  int run(SoloClient client) {
    ServiceStatus s = client.status(service);
    out().println("service: " + s.service().name());
    out().println("version: " + s.service().version());
    out().println("state: " + s.service().state());
    out().println("artifact: " + orDash(s.service().artifactHash()));
    out().println("deployed: " + when(s.service().deployed()));
    out().println("started: " + when(s.started()));
    out().println("calls: " + s.calls());
    out().println("errors: " + s.errors());
    out().println("queue: " + s.queueDepth());
    out().println("last error: " + orDash(s.lastError()));
    out().println("restarts: " + s.restarts());
    out().println("breaker: " + orDash(s.breaker()));
    out().println("cpu: " + s.cpuMs() + " ms");
    out().println("allocated: " + s.allocatedBytes() + " bytes");
    out().println("tenant kv: " + s.tenantKvBytes() + " bytes");
    return 0;
  }
}
