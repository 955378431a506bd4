package dev.solo.capability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.pattern.StatusReply;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The manager on a real LevelDB journal and local snapshot store, restarted on the same files. */
class CapabilityManagerTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final Set<String> CALL_COUNTER = Set.of("service.call:counter");

  @TempDir Path dir;
  private ActorTestKit testKit;
  private TokenIndex index;
  private ActorRef<CapabilityManager.Command> manager;

  @BeforeEach
  void start() {
    Config config = ConfigFactory.parseMap(Map.of(
        "pekko.persistence.journal.plugin", "pekko.persistence.journal.leveldb",
        "pekko.persistence.journal.leveldb.dir", dir.resolve("journal").toString(),
        "pekko.persistence.journal.leveldb.native", "on",
        "pekko.persistence.journal.leveldb.fsync", "on",
        "pekko.persistence.snapshot-store.plugin", "pekko.persistence.snapshot-store.local",
        "pekko.persistence.snapshot-store.local.dir", dir.resolve("snapshots").toString()));
    testKit = ActorTestKit.create("capabilities", config);
    index = new TokenIndex();
    manager = testKit.spawn(CapabilityManager.create(index, Clock.systemUTC()));
  }

  @AfterEach
  void stop() {
    testKit.shutdownTestKit();
  }

  /** Stops the actor system, starts a new one on the same directories and waits for recovery. */
  private void restart() {
    stop();
    start();
    list("acme"); // answered only after recovery completed and the index was published
  }

  private StatusReply<IssuedToken> ask(String tenant, Set<String> permissions, Optional<Instant> expiresAt, String parentId) {
    TestProbe<StatusReply<IssuedToken>> probe = testKit.createTestProbe();
    manager.tell(new CapabilityManager.Issue(tenant, permissions, expiresAt, parentId, probe.ref()));
    return probe.receiveMessage(TIMEOUT);
  }

  private IssuedToken issue(String tenant, Set<String> permissions, Optional<Instant> expiresAt, String parentId) {
    StatusReply<IssuedToken> reply = ask(tenant, permissions, expiresAt, parentId);
    assertTrue(reply.isSuccess(), () -> "refused: " + reply.getError().getMessage());
    return reply.getValue();
  }

  private IssuedToken issue(String tenant, Set<String> permissions) {
    return issue(tenant, permissions, Optional.empty(), "");
  }

  private String refusal(String tenant, Set<String> permissions, Optional<Instant> expiresAt, String parentId) {
    StatusReply<IssuedToken> reply = ask(tenant, permissions, expiresAt, parentId);
    assertTrue(reply.isError(), "the token was issued");
    return reply.getError().getMessage();
  }

  private StatusReply<List<String>> revoke(String tenant, String tokenId) {
    TestProbe<StatusReply<List<String>>> probe = testKit.createTestProbe();
    manager.tell(new CapabilityManager.Revoke(tenant, tokenId, probe.ref()));
    return probe.receiveMessage(TIMEOUT);
  }

  private List<TokenInfo> list(String tenant) {
    TestProbe<List<TokenInfo>> probe = testKit.createTestProbe();
    manager.tell(new CapabilityManager.ListTokens(tenant, probe.ref()));
    return probe.receiveMessage(TIMEOUT);
  }

  private Optional<Grant> verify(IssuedToken issued) {
    return index.verify(issued.token(), Instant.now());
  }

  @Test
  void issuedTokenVerifiesWithItsGrant() {
    IssuedToken issued = issue("acme", Set.of("service.call:counter", "events.read"));

    assertTrue(issued.token().matches("solo_[A-Za-z0-9_-]{43}"), issued.token());
    assertTrue(issued.grant().tokenId().matches("tok_[0-9a-f]{16}"), issued.grant().tokenId());
    assertFalse(issued.toString().contains(issued.token()), "the token never reaches a log");
    assertEquals(Optional.of(issued.grant()), verify(issued));
    Grant grant = verify(issued).orElseThrow();
    assertEquals("acme", grant.tenant());
    assertTrue(grant.allows("service.call:counter"));
    assertFalse(grant.allows("service.deploy"));
    assertEquals(List.of(grant), index.grantsOf("acme"));
    assertEquals(List.of(), index.grantsOf("globex"));
  }

  @Test
  void wrongTokenDoesNotVerify() {
    IssuedToken issued = issue("acme", CALL_COUNTER);
    String token = issued.token();
    String altered = token.substring(0, token.length() - 1) + (token.endsWith("A") ? "B" : "A");

    assertEquals(Optional.empty(), index.verify(altered, Instant.now()));
    assertEquals(Optional.empty(), index.verify(Tokens.newToken(), Instant.now()));
    assertEquals(Optional.empty(), index.verify(issued.grant().tokenId(), Instant.now()));
    assertEquals(Optional.empty(), index.verify("", Instant.now()));
    assertEquals(Optional.empty(), index.verify(null, Instant.now()));
  }

  @Test
  void expiredTokenDoesNotVerify() {
    Instant expiry = Instant.now().plus(Duration.ofMinutes(5));
    IssuedToken issued = issue("acme", CALL_COUNTER, Optional.of(expiry), "");

    assertTrue(index.verify(issued.token(), expiry.minusMillis(1)).isPresent());
    assertEquals(Optional.empty(), index.verify(issued.token(), expiry));
    assertEquals("the expiry 2001-01-01T00:00:00Z is not in the future",
        refusal("acme", CALL_COUNTER, Optional.of(Instant.parse("2001-01-01T00:00:00Z")), ""));
  }

  @Test
  void exactlyTheSameTokensVerifyAfterRestart() {
    IssuedToken admin = issue("", Set.of("admin"));
    IssuedToken acme = issue("acme", Permission.tenantRoot(), Optional.of(Instant.now().plus(Duration.ofDays(1))), "");
    IssuedToken globex = issue("globex", CALL_COUNTER);
    IssuedToken revoked = issue("acme", CALL_COUNTER);
    assertTrue(revoke("acme", revoked.grant().tokenId()).isSuccess());
    List<TokenInfo> acmeTokens = list("acme");

    restart();

    assertEquals(Optional.of(admin.grant()), verify(admin));
    assertEquals(Optional.of(acme.grant()), verify(acme));
    assertEquals(Optional.of(globex.grant()), verify(globex));
    assertEquals(Optional.empty(), verify(revoked));
    assertEquals(List.of(acme.grant()), index.grantsOf("acme"));
    assertEquals(acmeTokens, list("acme"));
  }

  @Test
  void revokeCascadesToDerivedTokensAndSurvivesRestart() {
    IssuedToken root = issue("acme", Set.of("capability.grant", "service.call:*"));
    IssuedToken child = issue("acme", Set.of("capability.grant", "service.call:counter"), Optional.empty(), root.grant().tokenId());
    IssuedToken grandchild = issue("acme", CALL_COUNTER, Optional.empty(), child.grant().tokenId());
    IssuedToken sibling = issue("acme", Set.of("service.call:other"), Optional.empty(), root.grant().tokenId());

    StatusReply<List<String>> reply = revoke("acme", child.grant().tokenId());

    // Token ids are random: compare which tokens, not in what order.
    assertEquals(Set.of(child.grant().tokenId(), grandchild.grant().tokenId()), Set.copyOf(reply.getValue()));
    assertEquals(Optional.empty(), verify(child));
    assertEquals(Optional.empty(), verify(grandchild));
    assertTrue(verify(root).isPresent());
    assertTrue(verify(sibling).isPresent());
    assertEquals(List.of(), revoke("acme", child.grant().tokenId()).getValue(), "revoking again changes nothing");

    restart();

    assertEquals(Optional.empty(), verify(child));
    assertEquals(Optional.empty(), verify(grandchild));
    assertEquals(Optional.of(root.grant()), verify(root));
    assertEquals(Optional.of(sibling.grant()), verify(sibling));
    assertEquals(
        Map.of(root.grant().tokenId(), false, child.grant().tokenId(), true,
            grandchild.grant().tokenId(), true, sibling.grant().tokenId(), false),
        list("acme").stream().collect(Collectors.toMap(TokenInfo::tokenId, TokenInfo::revoked)));
    assertEquals(Set.of(root.grant().tokenId(), sibling.grant().tokenId()),
        Set.copyOf(revoke("acme", root.grant().tokenId()).getValue()));
  }

  @Test
  void anotherTenantsTokenIsAnsweredAsUnknown() {
    IssuedToken acme = issue("acme", Set.of("capability.grant", "service.call:*"));
    String id = acme.grant().tokenId();

    assertEquals("no token " + id, revoke("globex", id).getError().getMessage());
    assertEquals("no token tok_ffffffffffffffff", revoke("globex", "tok_ffffffffffffffff").getError().getMessage());
    assertEquals("no token " + id, refusal("globex", CALL_COUNTER, Optional.empty(), id));
    assertEquals(List.of(), list("globex"));
    assertTrue(verify(acme).isPresent(), "the other tenant revoked nothing");
  }

  @Test
  void revokeTenantRevokesEveryTokenOfThatTenantOnlyAndSurvivesRestart() {
    IssuedToken root = issue("acme", Set.of("capability.grant", "service.read"));
    IssuedToken child = issue("acme", Set.of("service.read"), Optional.empty(), root.grant().tokenId());
    IssuedToken other = issue("globex", Set.of("service.read"));
    IssuedToken alreadyRevoked = issue("acme", Set.of("service.read"));
    revoke("acme", alreadyRevoked.grant().tokenId());

    TestProbe<List<String>> probe = testKit.createTestProbe();
    manager.tell(new CapabilityManager.RevokeTenant("acme", probe.ref()));
    assertEquals(Set.of(root.grant().tokenId(), child.grant().tokenId()), Set.copyOf(probe.receiveMessage(TIMEOUT)));

    restart();
    assertEquals(Optional.empty(), verify(root));
    assertEquals(Optional.empty(), verify(child));
    assertTrue(verify(other).isPresent());
    TestProbe<List<String>> again = testKit.createTestProbe();
    manager.tell(new CapabilityManager.RevokeTenant("acme", again.ref()));
    assertEquals(List.of(), again.receiveMessage(TIMEOUT), "nothing is left to revoke");
  }

  @Test
  void derivedTokenCannotWidenPermissions() {
    IssuedToken parent = issue("acme", Set.of("capability.grant", "service.call:counter"));

    String message = refusal("acme", Set.of("service.call:*"), Optional.empty(), parent.grant().tokenId());

    assertEquals("a derived token cannot widen its parent's permissions; token " + parent.grant().tokenId()
        + " does not imply service.call:*", message);
    assertEquals(List.of(parent.grant()), index.grantsOf("acme"));
  }

  @Test
  void derivedTokenCannotOutliveItsParent() {
    Instant parentExpiry = Instant.now().plus(Duration.ofHours(1)).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
    IssuedToken parent = issue("acme", Set.of("capability.grant", "service.call:*"), Optional.of(parentExpiry), "");
    String parentId = parent.grant().tokenId();

    String later = refusal("acme", CALL_COUNTER, Optional.of(parentExpiry.plusSeconds(1)), parentId);
    String never = refusal("acme", CALL_COUNTER, Optional.empty(), parentId);
    IssuedToken shorter = issue("acme", CALL_COUNTER, Optional.of(parentExpiry.minusSeconds(60)), parentId);

    assertEquals("a derived token must expire no later than its parent, at " + parentExpiry, later);
    assertEquals(later, never);
    assertEquals(parentId, shorter.grant().parentId());
    assertTrue(verify(shorter).isPresent());
  }

  @Test
  void derivingNeedsCapabilityGrant() {
    IssuedToken parent = issue("acme", Set.of("service.call:*"));

    assertEquals("token " + parent.grant().tokenId() + " does not hold capability.grant",
        refusal("acme", CALL_COUNTER, Optional.empty(), parent.grant().tokenId()));
  }

  @Test
  void issueRejectsWhatIsNotAValidGrant() {
    assertTrue(refusal("acme", Set.of("service.fly"), Optional.empty(), "")
        .startsWith("unknown permission \"service.fly\"; valid: service.deploy, "));
    assertEquals("the admin permission belongs to admin tokens only, and every admin token holds it",
        refusal("acme", Set.of("admin"), Optional.empty(), ""));
    assertEquals("the admin permission belongs to admin tokens only, and every admin token holds it",
        refusal("", CALL_COUNTER, Optional.empty(), ""));
    assertTrue(refusal("Acme", CALL_COUNTER, Optional.empty(), "").startsWith("invalid tenant name \"Acme\""));
    assertEquals("a token needs at least one permission", refusal("acme", Set.of(), Optional.empty(), ""));
    assertEquals(List.of(), list("acme"));
  }

  @Test
  void snapshotsAreTakenAndTokensStillVerifyAfterRestart() throws IOException {
    List<IssuedToken> issued = new ArrayList<>();
    for (int i = 0; i < 130; i++) {
      issued.add(issue("acme", Set.of("service.call:service-" + i)));
    }
    Path snapshots = dir.resolve("snapshots");
    TestProbe<Object> waiter = testKit.createTestProbe();
    waiter.awaitAssert(TIMEOUT, () -> {
      assertTrue(Files.isDirectory(snapshots) && countSnapshots(snapshots) > 0, "a snapshot was written");
      return null;
    });

    restart();

    for (IssuedToken token : issued) {
      assertEquals(Optional.of(token.grant()), verify(token));
    }
    assertEquals(130, list("acme").size());
  }

  private static long countSnapshots(Path snapshots) throws IOException {
    try (Stream<Path> files = Files.list(snapshots)) {
      return files.filter(file -> file.getFileName().toString().startsWith("snapshot-capabilities-")).count();
    }
  }
}
