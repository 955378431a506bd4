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
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets through a real server: stored encrypted, readable by a service only with a grant,
 * invisible to other tenants, back after SIGKILL, and never in the data directory, the server log
 * or the event log in the clear; nor is any token.
 */
class SecretsTest {
  private static final String READER = """
      import dev.solo.api.*;
      public class Reader implements Service {
        public Reply handle(Request request, Context ctx) {
          return Reply.ok(ctx.secret(request.text()).orElse("none"));
        }
      }
      """;

  @TempDir Path work;

  private static String random() {
    byte[] bytes = new byte[24];
    new SecureRandom().nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static List<Event> events(SoloClient client, EventQuery query) {
    try (EventStream stream = client.events(query)) {
      List<Event> events = new ArrayList<>();
      stream.forEachRemaining(events::add);
      return events;
    }
  }

  @Test
  void secretsAreReadableOnlyWithAGrantSurviveACrashAndNeverLeak() throws Exception {
    Path data = work.resolve("data");
    Path log = work.resolve("server.log");
    int port = ServerProcess.freePort();
    String password = random();
    String apiKey = random();
    List<String> tokens = new ArrayList<>();
    Credentials acme;
    try (ServerProcess server = ServerProcess.start(data, port, log)) {
      Credentials globex;
      try (SoloClient admin = SoloClient.connect(Credentials.read(data.resolve("admin.creds")))) {
        acme = admin.createTenant("acme");
        globex = admin.createTenant("globex");
      }
      tokens.add(acme.token());
      tokens.add(globex.token());
      try (SoloClient client = SoloClient.connect(acme); SoloClient other = SoloClient.connect(globex)) {
        client.putSecret("db-password", password.getBytes(UTF_8));
        client.putSecret("api-key", apiKey.getBytes(UTF_8));
        assertEquals(List.of("api-key", "db-password"), client.secrets());
        client.deploy("reader", Map.of("Reader.java", READER), List.of("secret.read:db-password"), "");
        client.deploy("nosy", Map.of("Reader.java", READER), List.of(), "");

        assertEquals(password, client.call("reader", "get", "db-password".getBytes(UTF_8)).text());
        assertEquals("none", client.call("reader", "get", "api-key".getBytes(UTF_8)).text(), "granted one secret, not all");
        assertEquals("none", client.call("nosy", "get", "db-password".getBytes(UTF_8)).text(), "no grant, no secret");

        // Another tenant sees nothing, and a narrower token cannot hand out what it lacks.
        assertEquals(List.of(), other.secrets());
        assertEquals(Status.Code.NOT_FOUND, assertThrows(SoloException.class, () -> other.deleteSecret("db-password")).code());
        Token narrow = client.grant(List.of("service.deploy"), Duration.ofHours(1), "");
        tokens.add(narrow.token());
        try (SoloClient deployer = SoloClient.connect(
            new Credentials(acme.server(), "acme", acme.ca(), acme.cert(), acme.key(), narrow.token(), narrow.tokenId()))) {
          SoloException widened = assertThrows(SoloException.class,
              () -> deployer.deploy("thief", Map.of("Reader.java", READER), List.of("secret.read:*"), ""));
          assertEquals(Status.Code.PERMISSION_DENIED, widened.code());
          assertEquals("cannot grant secret.read:* to a service: the token does not hold it", widened.reason());
        }

        client.deleteSecret("api-key");
        assertEquals(List.of("db-password"), client.secrets());
        List<String> types = events(client, EventQuery.of()).stream().map(Event::type).toList();
        assertTrue(types.containsAll(List.of("secret_stored", "secret_accessed", "secret_access_denied", "secret_revoked")), types.toString());
      }
      server.sigkill();
    }

    try (ServerProcess server = ServerProcess.start(data, port, log); SoloClient client = SoloClient.connect(acme);
        SoloClient admin = SoloClient.connect(Credentials.read(data.resolve("admin.creds")))) {
      assertEquals(password, client.call("reader", "get", "db-password".getBytes(UTF_8)).text(), "secrets are back after SIGKILL");
      assertEquals(List.of("db-password"), client.secrets());

      // Nothing in the clear: not in the data directory, the server log or the event log.
      List<String> needles = new ArrayList<>(tokens);
      needles.add(password);
      needles.add(apiKey);
      String allEvents = events(admin, EventQuery.of()).toString() + events(client, EventQuery.of());
      String serverLog = Files.readString(log);
      List<Path> files;
      try (Stream<Path> walk = Files.walk(data)) {
        // admin.creds is the admin's own credentials file (owner-only), written for the admin to use.
        files = walk.filter(Files::isRegularFile).filter(file -> !file.getFileName().toString().equals("admin.creds")).toList();
      }
      assertTrue(files.size() > 5, "the data directory was searched: " + files);
      for (String needle : needles) {
        byte[] bytes = needle.getBytes(UTF_8);
        assertFalse(allEvents.contains(needle), "an event holds a token or secret");
        assertFalse(serverLog.contains(needle), "the server log holds a token or secret");
        for (Path file : files) {
          assertFalse(contains(Files.readAllBytes(file), bytes), file + " holds a token or secret in the clear");
        }
      }
    }
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
