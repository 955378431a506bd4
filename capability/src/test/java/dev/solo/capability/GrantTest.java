package dev.solo.capability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class GrantTest {
  private static final Instant NOON = Instant.parse("2030-01-01T12:00:00Z");

  private static Grant tenantGrant(Set<String> permissions, Optional<Instant> expiresAt) {
    return new Grant("tok_0000000000000001", "acme", permissions, expiresAt, "");
  }

  @Test
  void adminGrantAllowsEverything() {
    Grant admin = new Grant("tok_0000000000000001", "", Set.of("admin"), Optional.empty(), "");
    assertTrue(admin.isAdmin());
    assertTrue(admin.allows("service.kill"));
    assertTrue(admin.allows("secret.read:anything"));
  }

  @Test
  void tenantGrantAllowsWhatItsPermissionsImply() {
    Grant grant = tenantGrant(Set.of("service.call:*", "events.read"), Optional.empty());
    assertFalse(grant.isAdmin());
    assertTrue(grant.allows("service.call:counter"));
    assertTrue(grant.allows("events.read"));
    assertFalse(grant.allows("service.deploy"));
    assertFalse(grant.allows("admin"));
  }

  @Test
  void onlyAdminGrantsHoldAdminAndTheyHaveNoTenant() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> tenantGrant(Set.of("admin"), Optional.empty()));
    assertEquals("the admin permission belongs to admin tokens only, and every admin token holds it", e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> new Grant("tok_0000000000000001", "", Set.of("service.read"), Optional.empty(), ""));
    assertThrows(IllegalArgumentException.class,
        () -> new Grant("tok_0000000000000001", "Acme", Set.of("service.read"), Optional.empty(), ""));
    assertThrows(IllegalArgumentException.class, () -> tenantGrant(Set.of(), Optional.empty()));
  }

  @Test
  void expiresAtItsExpiry() {
    Grant grant = tenantGrant(Set.of("service.read"), Optional.of(NOON));
    assertFalse(grant.isExpiredAt(NOON.minusMillis(1)));
    assertTrue(grant.isExpiredAt(NOON));
  }

  @Test
  void attenuationMayNarrowPermissionsAndExpiry() {
    Grant parent = tenantGrant(Set.of("capability.grant", "service.call:*"), Optional.of(NOON));
    assertEquals(Optional.empty(),
        Grant.attenuationRefusal(parent, Set.of("service.call:counter"), Optional.of(NOON.minusSeconds(60))));
    assertEquals(Optional.empty(), Grant.attenuationRefusal(parent, Set.of("service.call:*"), Optional.of(NOON)));
  }

  @Test
  void attenuationCannotWidenPermissions() {
    Grant parent = tenantGrant(Set.of("capability.grant", "service.call:counter"), Optional.empty());
    assertEquals(Optional.of("a derived token cannot widen its parent's permissions; token tok_0000000000000001"
            + " does not imply service.call:*, service.deploy"),
        Grant.attenuationRefusal(parent, Set.of("service.call:*", "service.deploy"), Optional.empty()));
  }

  @Test
  void attenuationCannotExtendExpiry() {
    Grant parent = tenantGrant(Set.of("capability.grant", "service.read"), Optional.of(NOON));
    String refusal = "a derived token must expire no later than its parent, at 2030-01-01T12:00:00Z";
    assertEquals(Optional.of(refusal),
        Grant.attenuationRefusal(parent, Set.of("service.read"), Optional.of(NOON.plusMillis(1))));
    assertEquals(Optional.of(refusal), Grant.attenuationRefusal(parent, Set.of("service.read"), Optional.empty()));
  }

  @Test
  void attenuationNeedsCapabilityGrant() {
    Grant parent = tenantGrant(Set.of("service.read"), Optional.empty());
    assertEquals(Optional.of("token tok_0000000000000001 does not hold capability.grant"),
        Grant.attenuationRefusal(parent, Set.of("service.read"), Optional.empty()));
  }
}
