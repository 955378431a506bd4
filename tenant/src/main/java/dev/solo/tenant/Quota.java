package dev.solo.tenant;

import dev.solo.proto.state.v1.QuotaSet;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An operator's quota for one tenant ({@code solo tenant quota}). A field of 0 is not set, and
 * the tenant's configured limit applies to it.
 *
 * @param maxServices services of the tenant
 * @param maxInflight calls of the tenant in flight at once
 * @param cpuMs CPU time of one call, in milliseconds
 * @param memoryMb bytes one call may allocate, in MiB
 * @param queue queued requests per service
 * @param kvMb key-value storage of the tenant, in MiB
 */
public record Quota(int maxServices, int maxInflight, long cpuMs, long memoryMb, int queue, long kvMb) {
  /** The quota that sets nothing. */
  public static final Quota NONE = new Quota(0, 0, 0, 0, 0, 0);

  /** Checks every field: none negative, none past what one server can give one tenant. */
  public Quota {
    check("max-services", maxServices, 100_000);
    check("max-inflight", maxInflight, 100_000);
    check("cpu-ms", cpuMs, 3_600_000);
    check("memory-mb", memoryMb, 1 << 20);
    check("queue", queue, 1_000_000);
    check("kv-mb", kvMb, 1 << 20);
  }

  private static void check(String name, long value, long max) {
    if (value < 0 || value > max) {
      throw new IllegalArgumentException(name + " must be between 1 and " + max + ", got " + value);
    }
  }

  /** {@return true if this quota sets no limit} */
  public boolean isEmpty() {
    return equals(NONE);
  }

  /** {@return this quota with every limit {@code change} sets replaced} */
  public Quota merge(Quota change) {
    return new Quota(
        change.maxServices != 0 ? change.maxServices : maxServices,
        change.maxInflight != 0 ? change.maxInflight : maxInflight,
        change.cpuMs != 0 ? change.cpuMs : cpuMs,
        change.memoryMb != 0 ? change.memoryMb : memoryMb,
        change.queue != 0 ? change.queue : queue,
        change.kvMb != 0 ? change.kvMb : kvMb);
  }

  /**
   * {@return {@code configured} with the limits this quota sets}; a CPU budget longer than the
   * wall budget raises the wall budget to match, or the CPU budget could never be used.
   */
  public TenantRuntime.Limits applyTo(TenantRuntime.Limits configured) {
    var budget = configured.budget();
    if (cpuMs != 0) {
      Duration cpu = Duration.ofMillis(cpuMs);
      budget = budget.withCpu(cpu);
      if (budget.wall().compareTo(cpu) < 0) {
        budget = budget.withWall(cpu);
      }
    }
    if (memoryMb != 0) {
      budget = budget.withAllocatedBytes(memoryMb << 20);
    }
    return new TenantRuntime.Limits(
        maxServices != 0 ? maxServices : configured.maxServices(),
        maxInflight != 0 ? maxInflight : configured.maxInflight(),
        queue != 0 ? queue : configured.queuePerService(),
        configured.maxSnapshotBytes(),
        kvMb != 0 ? kvMb << 20 : configured.kvBytes(),
        configured.callTimeout(),
        budget,
        configured.breaker(),
        configured.restarts(),
        configured.versionsKept());
  }

  /** {@return the limits this quota sets, by their flag names, for an event's attributes} */
  public Map<String, String> asAttributes() {
    Map<String, String> attributes = new LinkedHashMap<>();
    put(attributes, "max_services", maxServices);
    put(attributes, "max_inflight", maxInflight);
    put(attributes, "cpu_ms", cpuMs);
    put(attributes, "memory_mb", memoryMb);
    put(attributes, "queue", queue);
    put(attributes, "kv_mb", kvMb);
    return attributes;
  }

  private static void put(Map<String, String> attributes, String name, long value) {
    if (value != 0) {
      attributes.put(name, Long.toString(value));
    }
  }

  static Quota of(QuotaSet set) {
    return new Quota(set.getMaxServices(), set.getMaxInflight(), set.getCpuMs(), set.getMemoryMb(), set.getQueue(), set.getKvMb());
  }

  QuotaSet toEvent(String tenant, long timeUnixMs) {
    return QuotaSet.newBuilder()
        .setName(tenant)
        .setTimeUnixMs(timeUnixMs)
        .setMaxServices(maxServices)
        .setMaxInflight(maxInflight)
        .setCpuMs(cpuMs)
        .setMemoryMb(memoryMb)
        .setQueue(queue)
        .setKvMb(kvMb)
        .build();
  }
}
