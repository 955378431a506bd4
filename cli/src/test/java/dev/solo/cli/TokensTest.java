package dev.solo.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solo.client.Credentials;
import dev.solo.client.Event;
import dev.solo.client.EventQuery;
import dev.solo.client.EventStream;
import dev.solo.client.SoloClient;
import dev.solo.client.SoloException;
import dev.solo.client.Token;
import io.grpc.Status;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attenuated tokens through a real server: narrower, shorter-lived tokens work for exactly what
 * they hold; revocation cascades; expiry holds; every denial is an event; no token is ever in an
 * event; and after SIGKILL exactly the same tokens verify.
 */
class TokensTest {
  @TempDir Path work;

  private static Status.Code code(Runnable action) {
    return assertThrows(SoloException.class, action::run).code();
  }

  private static int cli(String... args) {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    return Main.run(args, new PrintStream(sink, true, UTF_8), new PrintStream(sink, true, UTF_8));
  }

  private static List<Event> events(SoloClient client, String... types) {
    try (EventStream stream = client.events(EventQuery.of().withTypes(List.of(types)))) {
      List<Event> events = new ArrayList<>();
      stream.forEachRemaining(events::add);
      return events;
    }
  }

  @Test
  void attenuatedTokensHoldExactlyWhatTheyWereGivenAcrossACrash() throws Exception {
    Path data = work.resolve("data");
    int port = ServerProcess.freePort();
    Credentials root;
    Credentials narrow;
    Credentials middle;
    Credentials leaf;
    try (ServerProcess server = ServerProcess.start(data, port, work.resolve("server.log"))) {
      try (SoloClient admin = SoloClient.connect(Credentials.read(data.resolve("admin.creds")))) {
        root = admin.createTenant("acme");
      }
      Path rootFile = work.resolve("acme.creds");
      root.write(rootFile);
      try (SoloClient acme = SoloClient.connect(root)) {
        acme.deploy("counter", List.of(Path.of("..", "examples", "counter", "Counter.java")));
        acme.deploy("echo", List.of(Path.of("..", "examples", "echo", "Echo.java")));
      }

      // Through the CLI: a call-only token for one service, in a credentials file of its own.
      Path narrowFile = work.resolve("narrow.creds");
      assertEquals(0, cli("grant", "--perm", "service.call:counter", "--perm", "service.read", "--ttl", "1h",
          "--out", narrowFile.toString(), "--explanation", "dashboard", "--creds", rootFile.toString()));
      assertEquals(1, cli("grant", "--perm", "service.read", "--ttl", "1h", "--out", narrowFile.toString(),
          "--creds", rootFile.toString()), "grant never overwrites a credentials file");
      narrow = Credentials.read(narrowFile);
      assertEquals(root.cert(), narrow.cert(), "the derived token travels with the same certificate");

      try (SoloClient acme = SoloClient.connect(root); SoloClient limited = SoloClient.connect(narrow)) {
        assertEquals("1", limited.call("counter", "increment", new byte[0]).text());
        assertEquals(Status.Code.PERMISSION_DENIED, code(() -> limited.call("echo", "x", new byte[0])));
        assertEquals(Status.Code.PERMISSION_DENIED, code(() -> limited.kill("counter", "")));
        assertEquals(Status.Code.PERMISSION_DENIED, code(() -> limited.grant(List.of("service.read"), Duration.ofMinutes(1), "")));

        // No widening, no outliving the parent.
        Token mid = acme.grant(List.of("service.read", "capability.grant"), Duration.ofHours(1), "");
        middle = new Credentials(root.server(), "acme", root.ca(), root.cert(), root.key(), mid.token(), mid.tokenId());
        try (SoloClient midClient = SoloClient.connect(middle)) {
          SoloException wider = assertThrows(SoloException.class,
              () -> midClient.grant(List.of("service.deploy"), Duration.ofMinutes(1), ""));
          assertEquals(Status.Code.PERMISSION_DENIED, wider.code());
          assertTrue(wider.reason().startsWith("a derived token cannot widen its parent's permissions"), wider.reason());
          SoloException longer = assertThrows(SoloException.class,
              () -> midClient.grant(List.of("service.read"), Duration.ofHours(2), ""));
          assertEquals(Status.Code.PERMISSION_DENIED, longer.code());
          assertTrue(longer.reason().startsWith("a derived token must expire no later than its parent"), longer.reason());
          Token child = midClient.grant(List.of("service.read"), Duration.ofMinutes(30), "");
          leaf = new Credentials(root.server(), "acme", root.ca(), root.cert(), root.key(), child.token(), child.tokenId());
        }
        assertEquals(Status.Code.INVALID_ARGUMENT, code(() -> acme.grant(List.of("service.fly"), Duration.ofMinutes(1), "")));

        // Revoking the middle token revokes what was derived from it, and nothing else.
        assertEquals(List.of(mid.tokenId(), leaf.tokenId()).stream().sorted().toList(),
            acme.revoke(mid.tokenId(), "rotation").stream().sorted().toList());
        for (Credentials gone : List.of(middle, leaf)) {
          try (SoloClient client = SoloClient.connect(gone)) {
            assertEquals(Status.Code.UNAUTHENTICATED, code(client::whoAmI));
          }
        }
        assertEquals(Status.Code.NOT_FOUND, code(() -> acme.revoke("tok_0000000000000000", "")));

        // Expiry: a one-second token stops working on its own.
        Token brief = acme.grant(List.of("service.read"), Duration.ofSeconds(1), "");
        Credentials briefCreds = new Credentials(root.server(), "acme", root.ca(), root.cert(), root.key(), brief.token(), brief.tokenId());
        try (SoloClient client = SoloClient.connect(briefCreds)) {
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
          boolean expired = false;
          while (!expired && System.nanoTime() < deadline) {
            try {
              client.whoAmI();
              LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            } catch (SoloException e) {
              expired = e.code() == Status.Code.UNAUTHENTICATED;
            }
          }
          assertTrue(expired, "the token expired");
        }

        // The log: grants and revocations with ids, every denial, and never a token.
        List<Event> granted = events(acme, "capability_granted");
        assertEquals(4, granted.size());
        assertEquals("dashboard", granted.get(0).attributes().get("explanation"));
        assertEquals("service.call:counter,service.read", granted.get(0).attributes().get("permissions"));
        assertEquals(1, events(acme, "capability_revoked").size());
        List<Event> denied = events(acme, "capability_denied");
        assertTrue(denied.size() >= 6, "every denial is an event: " + denied.size());
        assertTrue(denied.stream().anyMatch(e -> "service.call:echo".equals(e.attributes().get("permission"))));
        assertTrue(denied.stream().anyMatch(e -> "UNAUTHENTICATED".equals(e.attributes().get("status"))));
        String everything = events(acme).toString();
        for (Credentials credentials : List.of(root, narrow, middle, leaf, briefCreds)) {
          assertFalse(everything.contains(credentials.token()), "no event holds a token");
        }
      }
      server.sigkill();
    }

    // After SIGKILL: exactly the same tokens verify.
    try (ServerProcess server = ServerProcess.start(data, port, work.resolve("server.log"))) {
      for (Credentials alive : List.of(root, narrow)) {
        try (SoloClient client = SoloClient.connect(alive)) {
          assertEquals("tenant:acme", client.whoAmI().principal());
        }
      }
      for (Credentials gone : List.of(middle, leaf)) {
        try (SoloClient client = SoloClient.connect(gone)) {
          assertEquals(Status.Code.UNAUTHENTICATED, code(client::whoAmI));
        }
      }
    }
  }
}
