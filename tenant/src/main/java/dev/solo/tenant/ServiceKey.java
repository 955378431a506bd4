package dev.solo.tenant;

import java.util.Objects;

/**
 * A service of a tenant.
 *
 * @param tenant the tenant
 * @param service the service name, unique within the tenant
 */
public record ServiceKey(String tenant, String service) {
  /** Checks that neither part is null. */
  public ServiceKey {
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(service, "service");
  }

  /** {@return the key of a tenant's service} */
  public static ServiceKey of(String tenant, String service) {
    return new ServiceKey(tenant, service);
  }

  @Override
  public String toString() {
    return tenant + "/" + service;
  }
}
