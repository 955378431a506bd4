package dev.solo.client;

import java.time.Instant;

/**
 * The health of one service.
 *
 * @param service what {@link SoloClient#listServices()} shows for it
 * @param calls calls answered since it started
 * @param errors calls that failed since it started
 * @param queueDepth requests waiting for it now
 * @param started when the running instance started; {@link Instant#EPOCH} if not running
 * @param lastError the last failure, empty if none
 * @param restarts how often the supervisor restarted it
 * @param breaker the circuit breaker state: {@code closed}, {@code open} or {@code half-open}
 * @param cpuMs the CPU time its calls used since it started on this server, in milliseconds
 * @param allocatedBytes the bytes its calls allocated since it started on this server
 * @param tenantKvBytes the key-value storage of its whole tenant, keys and values
 */
public record ServiceStatus(
    ServiceInfo service,
    long calls,
    long errors,
    int queueDepth,
    Instant started,
    String lastError,
    int restarts,
    String breaker,
    long cpuMs,
    long allocatedBytes,
    long tenantKvBytes) {

  static ServiceStatus from(dev.solo.proto.v1.ServiceStatus s) {
    return new ServiceStatus(
        ServiceInfo.from(s.getService()),
        s.getCalls(),
        s.getErrors(),
        s.getQueueDepth(),
        Instant.ofEpochMilli(s.getStartedUnixMs()),
        s.getLastError(),
        s.getRestarts(),
        s.getBreaker(),
        s.getCpuMs(),
        s.getAllocatedBytes(),
        s.getTenantKvBytes());
  }
}
