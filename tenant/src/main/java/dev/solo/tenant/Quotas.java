package dev.solo.tenant;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The quotas the operator set, by tenant: a read view for whoever enforces a limit. Only the
 * tenants supervisor changes it, after the change is durable.
 */
public final class Quotas {
  private final Map<String, Quota> quotas = new ConcurrentHashMap<>();

  /** {@return the tenant's quota, {@link Quota#NONE} if it has none} */
  public Quota of(String tenant) {
    return quotas.getOrDefault(tenant, Quota.NONE);
  }

  void set(String tenant, Quota quota) {
    if (quota.isEmpty()) {
      quotas.remove(tenant);
    } else {
      quotas.put(tenant, quota);
    }
  }

  void remove(String tenant) {
    quotas.remove(tenant);
  }
}
