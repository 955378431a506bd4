package dev.solo.capability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.junit.jupiter.api.Test;

class PermissionTest {
  @Test
  void parsesEveryPermissionOfTheFixedSet() {
    for (String text : new String[] {"service.deploy", "service.kill", "service.call:counter", "service.call:*",
        "service.read", "events.read", "capability.grant", "secret.write", "secret.read:db-password",
        "secret.read:*", "admin"}) {
      assertEquals(text, Permission.parse(text).toString());
    }
    assertEquals(Permission.of(Permission.Kind.SERVICE_CALL, "counter"), Permission.parse("service.call:counter"));
  }

  @Test
  void rejectsUnknownPermissionsListingTheValidOnes() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Permission.parse("service.fly"));
    assertEquals("unknown permission \"service.fly\"; valid: service.deploy, service.kill,"
        + " service.call:<service|*>, service.read, events.read, capability.grant, secret.write,"
        + " secret.read:<name|*>, admin", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Permission.parse("service.deploy:counter"));
    assertThrows(IllegalArgumentException.class, () -> Permission.parse("service.call"));
    assertThrows(IllegalArgumentException.class, () -> Permission.parse(null));
  }

  @Test
  void rejectsAScopeThatIsNotANameOrStar() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Permission.parse("service.call:Counter"));
    assertEquals("invalid permission \"service.call:Counter\": write service.call:<service|*>, a name being"
        + " lowercase letters, digits or '-'", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Permission.parse("secret.read:"));
    assertThrows(IllegalArgumentException.class, () -> Permission.parse("secret.read:a*"));
  }

  @Test
  void starScopeImpliesEveryNameOfItsKind() {
    assertTrue(Permission.implies(Set.of("service.call:*"), "service.call:counter"));
    assertTrue(Permission.implies(Set.of("secret.read:*"), "secret.read:x"));
    assertTrue(Permission.implies(Set.of("service.call:*"), "service.call:*"));
    assertFalse(Permission.implies(Set.of("service.call:*"), "secret.read:x"));
  }

  @Test
  void otherwiseOnlyTheSamePermissionImpliesIt() {
    assertTrue(Permission.implies(Set.of("service.call:counter"), "service.call:counter"));
    assertFalse(Permission.implies(Set.of("service.call:counter"), "service.call:other"));
    assertFalse(Permission.implies(Set.of("service.call:counter"), "service.call:*"));
    assertFalse(Permission.implies(Set.of("service.deploy"), "service.kill"));
    assertFalse(Permission.implies(Set.of("admin"), "service.kill"), "admin is handled by Grant, not here");
    assertFalse(Permission.implies(Set.of("service.fly"), "service.fly"), "an invalid permission is never implied");
  }

  @Test
  void tenantRootIsEverythingButAdmin() {
    assertEquals(Set.of("service.deploy", "service.kill", "service.call:*", "service.read", "events.read",
        "capability.grant", "secret.write", "secret.read:*"), Permission.tenantRoot());
  }
}
