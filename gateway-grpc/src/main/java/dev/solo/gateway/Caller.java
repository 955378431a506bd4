package dev.solo.gateway;

import dev.solo.capability.Grant;

/**
 * Who is calling: proved by the client certificate and a token issued to the same principal.
 *
 * @param principal {@code admin} or {@code tenant:NAME}
 * @param tenant the tenant, empty for the admin
 * @param grant the verified token's grant
 */
record Caller(String principal, String tenant, Grant grant) {
  boolean isAdmin() {
    return grant.isAdmin();
  }
}
