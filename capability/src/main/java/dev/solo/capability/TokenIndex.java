package dev.solo.capability;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The live tokens, for the gateway's hot path: verification reads an immutable view with no actor
 * hop. The {@link CapabilityManager} publishes a new view when its recovery completes and after
 * each change is durable; until then nothing verifies.
 */
public final class TokenIndex {
  private record View(Map<String, Grant> byHash, Map<String, List<Grant>> byTenant) {}

  private volatile View view = new View(Map.of(), Map.of());

  /** Creates an empty index, to hand to {@link CapabilityManager#create}. */
  public TokenIndex() {}

  /**
   * {@return the grant of {@code token} if it is issued, not revoked and not expired at {@code now}}
   */
  public Optional<Grant> verify(String token, Instant now) {
    if (!Tokens.looksLikeToken(token)) {
      return Optional.empty();
    }
    Grant grant = view.byHash().get(Tokens.key(Tokens.hash(token)));
    return grant == null || grant.isExpiredAt(now) ? Optional.empty() : Optional.of(grant);
  }

  /** {@return the grants of the tokens of {@code tenant} that are not revoked, by token id} */
  public List<Grant> grantsOf(String tenant) {
    return view.byTenant().getOrDefault(tenant, List.of());
  }

  /** Replaces the view; {@code byHash} maps the hex SHA-256 of each live token to its grant. */
  void publish(Map<String, Grant> byHash) {
    Map<String, List<Grant>> byTenant = byHash.values().stream()
        .sorted(Comparator.comparing(Grant::tokenId))
        .collect(Collectors.groupingBy(Grant::tenant, Collectors.toUnmodifiableList()));
    view = new View(Map.copyOf(byHash), Map.copyOf(byTenant));
  }
}
