package dev.solo.capability;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a token lets its holder do. An admin grant has the empty tenant and the {@code admin}
 * permission, which allows everything; a tenant grant names a valid tenant and never holds
 * {@code admin}. The parent is the token this one was derived from, or empty.
 */
public record Grant(
    String tokenId, String tenant, Set<String> permissions, Optional<Instant> expiresAt, String parentId) {

  /**
   * Checks the invariants above and keeps the permissions in canonical form.
   *
   * @throws IllegalArgumentException with a message for the user when they do not hold
   */
  public Grant {
    Objects.requireNonNull(tokenId, "tokenId");
    Objects.requireNonNull(tenant, "tenant");
    Objects.requireNonNull(expiresAt, "expiresAt");
    Objects.requireNonNull(parentId, "parentId");
    permissions = Permission.parseAll(permissions);
    if (permissions.isEmpty()) {
      throw new IllegalArgumentException("a token needs at least one permission");
    }
    if (tenant.isEmpty() != permissions.contains(Permission.ADMIN)) {
      throw new IllegalArgumentException(
          "the admin permission belongs to admin tokens only, and every admin token holds it");
    }
    if (!tenant.isEmpty()) {
      Names.checkTenant(tenant);
    }
  }

  /** {@return whether this is an admin grant} */
  public boolean isAdmin() {
    return tenant.isEmpty();
  }

  /** {@return whether this grant allows {@code permission}, given as text} */
  public boolean allows(String permission) {
    return isAdmin() || Permission.implies(permissions, permission);
  }

  /** {@return whether this grant has expired at {@code now}} */
  public boolean isExpiredAt(Instant now) {
    return expiresAt.isPresent() && !now.isBefore(expiresAt.get());
  }

  /**
   * {@return why {@code parent} cannot derive a token with {@code permissions} and {@code
   * expiresAt}, or empty if it can} A derived token is attenuated: the parent holds {@code
   * capability.grant}, implies every permission asked for, and the new token expires no later
   * than the parent.
   */
  public static Optional<String> attenuationRefusal(
      Grant parent, Set<String> permissions, Optional<Instant> expiresAt) {
    String grantPermission = Permission.of(Permission.Kind.CAPABILITY_GRANT).toString();
    if (!parent.allows(grantPermission)) {
      return Optional.of("token " + parent.tokenId() + " does not hold " + grantPermission);
    }
    Set<String> wider = new TreeSet<>();
    for (String permission : permissions) {
      if (!parent.allows(permission)) {
        wider.add(permission);
      }
    }
    if (!wider.isEmpty()) {
      return Optional.of("a derived token cannot widen its parent's permissions; token "
          + parent.tokenId() + " does not imply " + String.join(", ", wider));
    }
    if (parent.expiresAt().isPresent()
        && (expiresAt.isEmpty() || expiresAt.get().isAfter(parent.expiresAt().get()))) {
      return Optional.of("a derived token must expire no later than its parent, at "
          + parent.expiresAt().get());
    }
    return Optional.empty();
  }
}
