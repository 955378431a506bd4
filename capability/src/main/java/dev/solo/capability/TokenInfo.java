package dev.solo.capability;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** What a tenant may see of one of its tokens: everything but the token. */
public record TokenInfo(
    String tokenId, Set<String> permissions, Optional<Instant> expiresAt, String parentId, boolean revoked) {
  /** Copies the permissions. */
  public TokenInfo {
    Objects.requireNonNull(tokenId, "tokenId");
    permissions = Set.copyOf(permissions);
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(parentId, "parentId");
  }
}
