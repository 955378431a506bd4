package dev.solo.client;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A token of the caller's tenant, without its secret.
 *
 * @param tokenId its public id
 * @param permissions what it allows
 * @param expires when it expires; empty if it does not
 * @param parentId the id of the token it was derived from; empty for a root token
 * @param revoked true if it was revoked
 */
public record TokenInfo(
    String tokenId, List<String> permissions, Optional<Instant> expires, String parentId, boolean revoked) {

  /** Copies the permissions. */
  public TokenInfo {
    permissions = List.copyOf(permissions);
  }

  static TokenInfo from(dev.solo.proto.v1.TokenInfo t) {
    long expires = t.getExpiresUnixMs();
    return new TokenInfo(
        t.getTokenId(),
        t.getPermissionsList(),
        expires == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(expires)),
        t.getParentId(),
        t.getRevoked());
  }
}
