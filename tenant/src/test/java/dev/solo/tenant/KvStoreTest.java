package dev.solo.tenant;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solo.api.Kv;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KvStoreTest {
  @TempDir Path dir;

  @Test
  void servicesAndTenantsNeverSeeEachOthersKeys() throws Exception {
    try (KvStore store = KvStore.open(dir)) {
      store.kv("acme", "counter").put("count", "1".getBytes(UTF_8));
      store.kv("acme", "counter2").put("count", "2".getBytes(UTF_8));
      store.kv("globex", "counter").put("count", "3".getBytes(UTF_8));
      assertEquals("1", new String(store.kv("acme", "counter").get("count").orElseThrow(), UTF_8));
      assertEquals(List.of("count"), store.kv("acme", "counter").keys("", 100), "a prefix scan stays inside the service");
      assertTrue(store.kv("acme", "other").get("count").isEmpty());
    }
  }

  @Test
  void valuesSurviveReopeningAndDeletesAreDurable() throws Exception {
    try (KvStore store = KvStore.open(dir)) {
      Kv kv = store.kv("acme", "svc");
      kv.put("a", new byte[] {1});
      kv.put("b", new byte[] {2});
      assertTrue(kv.delete("b"));
      assertFalse(kv.delete("b"), "deleting a missing key says so");
      store.saveState("acme", "svc", 3, "42".getBytes(UTF_8));
    }
    try (KvStore store = KvStore.open(dir)) {
      Kv kv = store.kv("acme", "svc");
      assertArrayEquals(new byte[] {1}, kv.get("a").orElseThrow());
      assertTrue(kv.get("b").isEmpty());
      KvStore.SavedState saved = store.loadState("acme", "svc").orElseThrow();
      assertEquals(3, saved.version());
      assertEquals("42", new String(saved.state(), UTF_8));
      assertEquals(List.of("a"), kv.keys("", 10), "saved state is not a key of the service");
    }
  }

  @Test
  void deletingATenantDeletesItsDataAndStatesOnlyAndDurably() throws Exception {
    try (KvStore store = KvStore.open(dir)) {
      store.kv("acme", "a").put("k", new byte[] {1});
      store.kv("acme", "b").put("k", new byte[] {2});
      store.saveState("acme", "a", 1, new byte[] {3});
      // Tenant names are prefixes of each other: only the exact tenant goes.
      store.kv("acme-2", "a").put("k", new byte[] {4});
      store.saveState("acme-2", "a", 1, new byte[] {5});
      assertEquals(3, store.deleteTenant("acme"));
      assertEquals(0, store.deleteTenant("acme"));
    }
    try (KvStore store = KvStore.open(dir)) {
      assertTrue(store.kv("acme", "a").get("k").isEmpty());
      assertTrue(store.kv("acme", "b").get("k").isEmpty());
      assertTrue(store.loadState("acme", "a").isEmpty());
      assertArrayEquals(new byte[] {4}, store.kv("acme-2", "a").get("k").orElseThrow());
      assertTrue(store.loadState("acme-2", "a").isPresent());
    }
  }

  @Test
  void aTenantsQuotaCountsEveryServiceAndSurvivesReopening() throws Exception {
    // A stored entry costs its value and its key, the key with its 8-byte service prefix here.
    try (KvStore store = KvStore.open(dir)) {
      Kv a = store.kv("acme", "a", () -> 120);
      Kv b = store.kv("acme", "b", () -> 120);
      a.put("k1", new byte[40]);        // 50 bytes
      b.put("k2", new byte[40]);        // 100
      KvStore.QuotaExceededException full = assertThrows(KvStore.QuotaExceededException.class, () -> a.put("k3", new byte[20]));
      assertEquals("the key-value storage of tenant acme is full: 100 bytes stored, this put needs 30 more,"
          + " the limit (kv-mb) is 120 bytes", full.getMessage());
      assertTrue(a.get("k3").isEmpty(), "nothing was written");
      a.put("k1", new byte[10]);        // shrinking always works: 70
      a.put("k3", new byte[20]);        // 100
      assertTrue(b.delete("k2"));       // 50
      assertEquals(50, store.usedBytes("acme"));
      store.kv("globex", "a", () -> 100).put("k", new byte[1]);
      assertEquals(50, store.usedBytes("acme"), "another tenant's bytes do not count");
    }
    try (KvStore store = KvStore.open(dir)) {
      assertEquals(50, store.usedBytes("acme"), "counted again from the data after reopening");
      store.deleteTenant("acme");
      assertEquals(0, store.usedBytes("acme"));
    }
  }

  @Test
  void keysAreListedInOrderByPrefixWithALimit() throws Exception {
    try (KvStore store = KvStore.open(dir)) {
      Kv kv = store.kv("acme", "svc");
      for (String key : List.of("user:3", "user:1", "order:1", "user:2")) {
        kv.put(key, new byte[0]);
      }
      assertEquals(List.of("user:1", "user:2"), kv.keys("user:", 2));
    }
  }

  @Test
  void oversizedKeysAndValuesAreRefusedWithTheLimit() throws Exception {
    try (KvStore store = KvStore.open(dir)) {
      Kv kv = store.kv("acme", "svc");
      IllegalArgumentException key = assertThrows(IllegalArgumentException.class, () -> kv.put("k".repeat(513), new byte[0]));
      assertEquals("a key may hold at most 512 bytes, got 513", key.getMessage());
      IllegalArgumentException value = assertThrows(IllegalArgumentException.class,
          () -> kv.put("k", new byte[KvStore.MAX_VALUE_BYTES + 1]));
      assertTrue(value.getMessage().startsWith("a value may hold at most"), value.getMessage());
    }
  }

  @Test
  void keysBuiltFromTheSeparatorStayInsideTheirNamespace() throws Exception {
    try (KvStore store = KvStore.open(dir)) {
      store.kv("acme", "other").put("secret", "acme-other".getBytes(UTF_8));
      store.kv("globex", "svc").put("secret", "globex".getBytes(UTF_8));
      Kv attacker = store.kv("acme", "svc");
      // The separator is the 0 byte: a key cannot end the service's prefix and start another's.
      for (String key : List.of("\u0000other\u0000secret", "\u0000\u0000secret", "../other/secret", "\u0000globex\u0000svc\u0000secret")) {
        assertTrue(attacker.get(key).isEmpty(), "key " + key.replace("\u0000", "\\0") + " reached another namespace");
      }
      attacker.put("\u0000other\u0000secret", "overwrite".getBytes(UTF_8));
      assertEquals("acme-other", new String(store.kv("acme", "other").get("secret").orElseThrow(), UTF_8));
      assertEquals(List.of("\u0000other\u0000secret"), attacker.keys("", 100), "a scan sees only the service's own keys");
      assertEquals(List.of("secret"), store.kv("acme", "other").keys("", 100));
    }
  }
}
