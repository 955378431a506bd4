package dev.solo.tenant;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which tenants the operator has quarantined: a read view for the gateway, which refuses their
 * calls at once. Only the tenants supervisor changes it, after the change is durable.
 */
public final class Quarantine {
  private final Set<String> tenants = ConcurrentHashMap.newKeySet();

  /** {@return true if the tenant's calls are refused} */
  public boolean isQuarantined(String tenant) {
    return tenants.contains(tenant);
  }

  void quarantine(String tenant) {
    tenants.add(tenant);
  }

  void release(String tenant) {
    tenants.remove(tenant);
  }
}
