package dev.solo.client;

import java.time.Instant;
import java.util.Optional;

/**
 * A newly derived token. The server keeps only its hash, so this is the one time it is shown.
 *
 * @param token the bearer token
 * @param tokenId its public id, for listing and revoking it
 * @param expires when it expires; empty if it does not
 */
public record Token(String token, String tokenId, Optional<Instant> expires) {

  static Token from(dev.solo.proto.v1.GrantResponse r) {
    long expires = r.getExpiresUnixMs();
    return new Token(r.getToken(), r.getTokenId(), expires == 0 ? Optional.empty() : Optional.of(Instant.ofEpochMilli(expires)));
  }

  /** Leaves out the token itself, so that logging it does not leak it. */
  @Override
  public String toString() {
    return "Token[tokenId=" + tokenId + ", expires=" + expires + "]";
  }
}
