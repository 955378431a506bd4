package dev.solo.client;

/**
 * A tenant's limits, as {@code solo tenant quota} sets and shows them. As a change, a field of
 * 0 leaves that limit as it is.
 *
 * @param tenant the tenant
 * @param maxServices services of the tenant
 * @param maxInflight calls of the tenant in flight at once
 * @param cpuMs CPU time of one call, in milliseconds
 * @param memoryMb bytes one call may allocate, in MiB
 * @param queue queued requests per service
 * @param kvMb key-value storage of the tenant, in MiB
 */
public record TenantLimits(String tenant, int maxServices, int maxInflight, long cpuMs, long memoryMb, int queue, long kvMb) {

  /** {@return a change of no limit, for {@code tenant}} */
  public static TenantLimits unchanged(String tenant) {
    return new TenantLimits(tenant, 0, 0, 0, 0, 0, 0);
  }

  static TenantLimits from(dev.solo.proto.v1.SetQuotaResponse r) {
    return new TenantLimits(r.getTenant(), r.getMaxServices(), r.getMaxInflight(), r.getCpuMs(), r.getMemoryMb(), r.getQueue(),
        r.getKvMb());
  }
}
