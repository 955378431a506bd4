package dev.solo.client;

import java.time.Instant;

/**
 * A tenant, as the admin sees it.
 *
 * @param name the tenant name
 * @param created when it was created
 * @param services how many services it has
 * @param quarantined true if it is quarantined
 */
public record TenantInfo(String name, Instant created, int services, boolean quarantined) {

  static TenantInfo from(dev.solo.proto.v1.TenantInfo t) {
    return new TenantInfo(t.getName(), Instant.ofEpochMilli(t.getCreatedUnixMs()), t.getServices(), t.getQuarantined());
  }
}
