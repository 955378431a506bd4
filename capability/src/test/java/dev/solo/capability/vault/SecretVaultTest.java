package dev.solo.capability.vault;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.pekko.Done;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.LoggingTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The vault on a real LevelDB journal and local snapshot store, restarted on the same files. */
class SecretVaultTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final SecureRandom RANDOM = new SecureRandom();

  @TempDir Path dir;
  private Path store;
  private Path keyFile;
  private ActorTestKit testKit;
  private ActorRef<SecretVault.Command> vault;

  @BeforeEach
  void start() throws IOException {
    store = Files.createDirectories(dir.resolve("store"));
    // The key lives apart from the journal, so scanning the journal never finds the key file itself.
    keyFile = Files.createDirectories(dir.resolve("pki")).resolve("master.key");
    start(store.resolve("journal"), keyFile);
  }

  private void start(Path journal, Path key) throws IOException {
    Config config = ConfigFactory.parseMap(Map.of(
        "pekko.persistence.journal.plugin", "pekko.persistence.journal.leveldb",
        "pekko.persistence.journal.leveldb.dir", journal.toString(),
        "pekko.persistence.journal.leveldb.native", "on",
        "pekko.persistence.journal.leveldb.fsync", "on",
        "pekko.persistence.snapshot-store.plugin", "pekko.persistence.snapshot-store.local",
        "pekko.persistence.snapshot-store.local.dir", store.resolve("snapshots").toString()));
    testKit = ActorTestKit.create("secrets", config);
    vault = testKit.spawn(SecretVault.create(MasterKey.loadOrCreate(key), Clock.systemUTC()));
  }

  @AfterEach
  void stop() {
    if (testKit != null) {
      testKit.shutdownTestKit();
      testKit = null;
    }
  }

  /** Stops the actor system, starts a new one on the same files and waits for recovery. */
  private void restart() throws IOException {
    restart(store.resolve("journal"), keyFile);
  }

  private void restart(Path journal, Path key) throws IOException {
    stop();
    start(journal, key);
    list("acme"); // answered only after recovery completed
  }

  private StatusReply<Done> ask(String tenant, String name, byte[] value) {
    TestProbe<StatusReply<Done>> probe = testKit.createTestProbe();
    vault.tell(new SecretVault.Put(tenant, name, value, probe.ref()));
    return probe.receiveMessage(TIMEOUT);
  }

  private void put(String tenant, String name, byte[] value) {
    StatusReply<Done> reply = ask(tenant, name, value);
    assertTrue(reply.isSuccess(), () -> "refused: " + reply.getError().getMessage());
  }

  private String refusal(String tenant, String name, byte[] value) {
    StatusReply<Done> reply = ask(tenant, name, value);
    assertTrue(reply.isError(), "the secret was stored");
    return reply.getError().getMessage();
  }

  private Optional<byte[]> get(String tenant, String name) {
    TestProbe<Optional<byte[]>> probe = testKit.createTestProbe();
    vault.tell(new SecretVault.Get(tenant, name, probe.ref()));
    return probe.receiveMessage(TIMEOUT);
  }

  private List<String> list(String tenant) {
    TestProbe<List<String>> probe = testKit.createTestProbe();
    vault.tell(new SecretVault.ListNames(tenant, probe.ref()));
    return probe.receiveMessage(TIMEOUT);
  }

  private boolean delete(String tenant, String name) {
    TestProbe<StatusReply<Boolean>> probe = testKit.createTestProbe();
    vault.tell(new SecretVault.Delete(tenant, name, probe.ref()));
    return probe.receiveMessage(TIMEOUT).getValue();
  }

  private int deleteTenant(String tenant) {
    TestProbe<StatusReply<Integer>> probe = testKit.createTestProbe();
    vault.tell(new SecretVault.DeleteTenant(tenant, probe.ref()));
    return probe.receiveMessage(TIMEOUT).getValue();
  }

  private static byte[] randomValue() {
    byte[] value = new byte[32];
    RANDOM.nextBytes(value);
    return value;
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private void assertValue(byte[] expected, String tenant, String name) {
    Optional<byte[]> value = get(tenant, name);
    assertTrue(value.isPresent(), () -> tenant + "/" + name + " is missing");
    assertArrayEquals(expected, value.get(), () -> tenant + "/" + name + " has another value");
  }

  private void awaitSnapshot() {
    Path snapshots = store.resolve("snapshots");
    testKit.createTestProbe().awaitAssert(TIMEOUT, () -> {
      assertTrue(Files.isDirectory(snapshots) && !snapshotsIn(snapshots).isEmpty(), "a snapshot was written");
      return null;
    });
  }

  private static List<Path> snapshotsIn(Path snapshots) throws IOException {
    try (Stream<Path> files = Files.list(snapshots)) {
      return files.filter(file -> file.getFileName().toString().startsWith("snapshot-secrets-")).toList();
    }
  }

  @Test
  void storedSecretReadsBack() {
    byte[] value = utf8("postgres://app:hunter2@db/app");

    put("acme", "db-url", value);

    assertValue(value, "acme", "db-url");
    assertEquals(Optional.empty(), get("acme", "other"));
  }

  @Test
  void storingAgainReplacesTheValue() {
    put("acme", "api-key", utf8("first"));

    put("acme", "api-key", utf8("second"));

    assertValue(utf8("second"), "acme", "api-key");
    assertEquals(List.of("api-key"), list("acme"));
  }

  @Test
  void deletedSecretIsGone() {
    put("acme", "api-key", utf8("value"));

    assertTrue(delete("acme", "api-key"), "the secret existed");

    assertEquals(Optional.empty(), get("acme", "api-key"));
    assertEquals(List.of(), list("acme"));
    assertFalse(delete("acme", "api-key"), "deleting again finds nothing");
  }

  @Test
  void namesAreListedPerTenantAndSorted() {
    put("acme", "zeta", utf8("1"));
    put("acme", "alpha", utf8("2"));
    put("globex", "beta", utf8("3"));
    put("acme", "mid-1", utf8("4"));

    assertEquals(List.of("alpha", "mid-1", "zeta"), list("acme"));
    assertEquals(List.of("beta"), list("globex"));
    assertEquals(List.of(), list("initech"));
  }

  @Test
  void anotherTenantCannotReadListOrDeleteASecret() {
    byte[] value = randomValue();
    put("acme", "db-password", value);

    assertEquals(Optional.empty(), get("globex", "db-password"));
    assertEquals(List.of(), list("globex"));
    assertFalse(delete("globex", "db-password"));
    assertEquals(0, deleteTenant("globex"));
    put("globex", "db-password", utf8("globex's own"));

    assertValue(value, "acme", "db-password");
    assertValue(utf8("globex's own"), "globex", "db-password");
    assertEquals(List.of("db-password"), list("acme"));
  }

  @Test
  void deletingATenantRemovesAllItsSecretsAndNoOneElses() throws IOException {
    put("acme", "a", utf8("1"));
    put("acme", "b", utf8("2"));
    put("acme", "c", utf8("3"));
    put("globex", "a", utf8("4"));

    assertEquals(3, deleteTenant("acme"));

    assertEquals(List.of(), list("acme"));
    assertEquals(Optional.empty(), get("acme", "a"));
    assertValue(utf8("4"), "globex", "a");
    assertEquals(0, deleteTenant("acme"));
    restart();
    assertEquals(List.of(), list("acme"));
    assertEquals(List.of("a"), list("globex"));
  }

  @Test
  void oversizedValueIsRefused() {
    byte[] largest = new byte[SecretVault.MAX_VALUE_BYTES];
    RANDOM.nextBytes(largest);

    String message = refusal("acme", "big", new byte[SecretVault.MAX_VALUE_BYTES + 1]);
    put("acme", "largest", largest);

    assertEquals("a secret value may hold at most 65536 bytes (64 KiB); this one holds 65537", message);
    assertEquals(List.of("largest"), list("acme"));
    assertValue(largest, "acme", "largest");
  }

  @Test
  void invalidNameIsRefused() {
    String rule = "use 1 to 63 characters: a lowercase letter first, then lowercase letters, digits or '-'";

    assertEquals("invalid secret name \"DB_PASSWORD\": " + rule, refusal("acme", "DB_PASSWORD", utf8("x")));
    assertEquals("invalid secret name \"\": " + rule, refusal("acme", "", utf8("x")));
    assertEquals("invalid secret name \"../acme\": " + rule, refusal("acme", "../acme", utf8("x")));
    assertEquals("invalid tenant name \"Acme\": " + rule, refusal("Acme", "db", utf8("x")));
    assertEquals(List.of(), list("acme"));
  }

  @Test
  void refusalNeverEchoesTheValue() {
    String message = refusal("acme", "Bad Name", utf8("hunter2"));

    assertFalse(message.contains("hunter2"), message);
  }

  @Test
  void putKeepsItsOwnCopyAndNeverShowsTheValue() {
    byte[] value = utf8("hunter2");
    TestProbe<StatusReply<Done>> probe = testKit.createTestProbe();
    SecretVault.Put put = new SecretVault.Put("acme", "pw", value, probe.ref());
    value[0] = 'X';

    vault.tell(put);

    assertTrue(probe.receiveMessage(TIMEOUT).isSuccess());
    assertValue(utf8("hunter2"), "acme", "pw");
    assertEquals("Put[tenant=acme, name=pw, value=(7 bytes, hidden), replyTo=" + probe.ref() + "]", put.toString());
  }

  @Test
  void exactlyTheSameSecretsReadBackAfterRestartFromASnapshot() throws IOException {
    Map<String, Map<String, byte[]>> expected = new TreeMap<>();
    for (int i = 0; i < 110; i++) {
      String tenant = i % 3 == 0 ? "globex" : "acme";
      String name = "secret-" + (i % 50);
      byte[] value = randomValue();
      put(tenant, name, value);
      expected.computeIfAbsent(tenant, t -> new TreeMap<>()).put(name, value);
    }
    assertTrue(delete("acme", "secret-1"));
    expected.get("acme").remove("secret-1");
    awaitSnapshot();

    restart();

    for (Map.Entry<String, Map<String, byte[]>> tenant : expected.entrySet()) {
      assertEquals(List.copyOf(tenant.getValue().keySet()), list(tenant.getKey()));
      tenant.getValue().forEach((name, value) -> assertValue(value, tenant.getKey(), name));
    }
    put("acme", "after-restart", utf8("new"));
    assertValue(utf8("new"), "acme", "after-restart");
  }

  @Test
  void snapshotAloneHoldsEverySecret() throws IOException {
    Map<String, byte[]> expected = new LinkedHashMap<>();
    for (int i = 0; i < 100; i++) {
      expected.put("secret-" + i, randomValue());
      put("acme", "secret-" + i, expected.get("secret-" + i));
    }
    awaitSnapshot();

    // A new, empty journal: whatever reads back came from the snapshot taken at event 100.
    restart(store.resolve("empty-journal"), keyFile);

    assertEquals(100, list("acme").size());
    expected.forEach((name, value) -> assertValue(value, "acme", name));
  }

  @Test
  void journalAndSnapshotsNeverHoldAValueOrTheMasterKey() throws IOException {
    byte[] distinctive = randomValue();
    put("acme", "database-password", distinctive);
    List<byte[]> values = new ArrayList<>(List.of(distinctive));
    for (int i = 0; i < 110; i++) {
      byte[] value = randomValue();
      values.add(value);
      put(i % 2 == 0 ? "acme" : "globex", "secret-" + i, value);
    }
    assertTrue(delete("acme", "secret-0"));
    awaitSnapshot();
    stop();
    byte[] masterKey = Files.readAllBytes(keyFile);

    Map<Path, byte[]> files = filesUnder(store);

    assertTrue(files.keySet().stream().anyMatch(file -> file.startsWith(store.resolve("snapshots"))));
    assertTrue(files.keySet().stream().anyMatch(file -> file.startsWith(store.resolve("journal"))));
    assertTrue(files.values().stream().anyMatch(bytes -> contains(bytes, utf8("database-password"))),
        "the scan reads the stored secrets");
    for (Map.Entry<Path, byte[]> file : files.entrySet()) {
      for (byte[] value : values) {
        assertFalse(containsInAnyEncoding(file.getValue(), value), () -> file.getKey() + " holds a secret value");
      }
      assertFalse(containsInAnyEncoding(file.getValue(), masterKey), () -> file.getKey() + " holds the master key");
    }
  }

  @Test
  void secretsSealedUnderAnotherMasterKeyReadAsAbsent() throws IOException {
    put("acme", "db", randomValue());

    restart(store.resolve("journal"), dir.resolve("pki").resolve("other.key"));

    Optional<byte[]> value = LoggingTestKit
        .warn("secret db of tenant acme does not decrypt; was the master key replaced or the journal altered?")
        .expect(testKit.system(), () -> get("acme", "db"));
    assertEquals(Optional.empty(), value);
    assertEquals(List.of("db"), list("acme"), "the sealed secret is kept, not dropped");
  }

  private static Map<Path, byte[]> filesUnder(Path root) throws IOException {
    Map<Path, byte[]> contents = new TreeMap<>();
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path path : paths.filter(Files::isRegularFile).toList()) {
        contents.put(path, Files.readAllBytes(path));
      }
    }
    return contents;
  }

  private static boolean containsInAnyEncoding(byte[] haystack, byte[] secret) {
    return contains(haystack, secret)
        || contains(haystack, utf8(HexFormat.of().formatHex(secret)))
        || contains(haystack, utf8(Base64.getEncoder().withoutPadding().encodeToString(secret)))
        || contains(haystack, utf8(Base64.getUrlEncoder().withoutPadding().encodeToString(secret)));
  }

  private static boolean contains(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
