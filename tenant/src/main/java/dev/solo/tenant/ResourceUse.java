package dev.solo.tenant;

import java.util.concurrent.atomic.LongAdder;

/** The CPU time and allocated bytes a service's calls used, summed as its calls end. Thread-safe. */
public final class ResourceUse {
  private final ServiceKey key;
  private final LongAdder cpuNanos = new LongAdder();
  private final LongAdder allocatedBytes = new LongAdder();

  /** Counts what the calls of {@code key} use, here and in the metrics. */
  ResourceUse(ServiceKey key) {
    this.key = key;
  }

  void add(long cpu, long allocated) {
    long usedCpu = Math.max(0, cpu);
    long usedBytes = Math.max(0, allocated);
    cpuNanos.add(usedCpu);
    allocatedBytes.add(usedBytes);
    TenantMetrics.used(key, usedCpu, usedBytes);
  }

  /** {@return the CPU time used, in nanoseconds} */
  public long cpuNanos() {
    return cpuNanos.sum();
  }

  /** {@return the bytes allocated} */
  public long allocatedBytes() {
    return allocatedBytes.sum();
  }
}
