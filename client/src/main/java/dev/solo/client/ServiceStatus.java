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
 * @param breaker the circuit breaker state: {@code closed}, {@code open} or {@code half_open}
 */
public record ServiceStatus(
    ServiceInfo service,
    long calls,
    long errors,
    int queueDepth,
    Instant started,
    String lastError,
    int restarts,
    String breaker) {

  static ServiceStatus from(dev.solo.proto.v1.ServiceStatus s) {
    return new ServiceStatus(
        ServiceInfo.from(s.getService()),
        s.getCalls(),
        s.getErrors(),
        s.getQueueDepth(),
        Instant.ofEpochMilli(s.getStartedUnixMs()),
        s.getLastError(),
        s.getRestarts(),
        s.getBreaker());
  }
}
