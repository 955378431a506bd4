package dev.solo.capability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class NamesTest {
  @Test
  void acceptsLowercaseNamesUpToSixtyThreeCharacters() {
    assertTrue(Names.isValidTenant("acme"));
    assertTrue(Names.isValidTenant("a"));
    assertTrue(Names.isValidService("counter-2"));
    assertTrue(Names.isValidSecret("db-password"));
    assertTrue(Names.isValidTenant("a" + "b".repeat(62)));
    assertEquals("acme", Names.checkTenant("acme"));
  }

  @Test
  void rejectsOtherNames() {
    for (String name : new String[] {"", "Acme", "1acme", "-acme", "ac_me", "ac.me", "acme ", "a" + "b".repeat(63)}) {
      assertFalse(Names.isValidTenant(name), name);
      assertFalse(Names.isValidService(name), name);
    }
    assertFalse(Names.isValidTenant(null));
  }

  @Test
  void checkSaysWhatANameMayBe() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Names.checkTenant("Acme"));
    assertEquals(
        "invalid tenant name \"Acme\": use 1 to 63 characters: a lowercase letter first, then lowercase"
            + " letters, digits or '-'",
        e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> Names.checkService("x".repeat(10_000)));
    assertTrue(e.getMessage().startsWith("invalid service name \"xxx"), e.getMessage());
    assertTrue(e.getMessage().length() < 300, "the message does not echo all of a huge name");
  }
}
