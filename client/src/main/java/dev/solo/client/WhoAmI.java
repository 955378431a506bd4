package dev.solo.client;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Who the server takes the caller to be.
 *
 * @param principal {@code admin} or {@code tenant:NAME}
 * @param tenant the tenant, empty for the admin
 * @param tokenId the id of the token in use
 * @param permissions what the token allows, for example {@code service.deploy}
 * @param tokenExpires when the token expires; empty if it does not
 */
public record WhoAmI(
    String principal, String tenant, String tokenId, List<String> permissions, Optional<Instant> tokenExpires) {

  /** Copies the permissions. */
  public WhoAmI {
    permissions = List.copyOf(permissions);
  }

  static WhoAmI from(dev.solo.proto.v1.WhoAmIResponse r) {
    long expires = r.getTokenExpiresUnixMs();
    return new WhoAmI(
        r.getPrincipal(),
        r.getTenant(),
        r.getTokenId(),
        r.getPermissionsList(),
        expires == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(expires)));
  }
}
