package dev.solo.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solo.client.CallResult;
import dev.solo.client.Credentials;
import dev.solo.client.Event;
import dev.solo.client.EventQuery;
import dev.solo.client.EventStream;
import dev.solo.client.SoloClient;
import dev.solo.client.VersionInfo;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A swap cut by SIGKILL: before it is committed, the server comes back at the old version and
 * records the swap as rolled back; once committed, at the new one. Never a mix.
 */
class HotSwapRecoveryTest {
  private static final String ECHO = """
      import dev.solo.api.*;

      public class Echo implements Service {
        public Reply handle(Request request, Context ctx) {
          return Reply.ok("%s");
        }
      }
      """;

  @TempDir Path work;

  @Test
  void aSwapUnderWatchAtSigkillComesBackAtTheOldVersionAndACommittedOneAtTheNew() throws Exception {
    Path data = work.resolve("data");
    Path log = work.resolve("server.log");
    int port = ServerProcess.freePort();
    Credentials acme;
    try (ServerProcess server = ServerProcess.start(data, port, log)) {
      try (SoloClient admin = SoloClient.connect(Credentials.read(data.resolve("admin.creds")))) {
        acme = admin.createTenant("acme");
      }
      try (SoloClient client = SoloClient.connect(acme)) {
        client.deploy("watched", Map.of("Echo.java", ECHO.formatted("one")), List.of(), "");
        client.deploy("settled", Map.of("Echo.java", ECHO.formatted("one")), List.of(), "");
        client.swap("watched", Map.of("Echo.java", ECHO.formatted("two")), Duration.ofMinutes(10), "under watch");
        client.swap("settled", Map.of("Echo.java", ECHO.formatted("two")), Duration.ZERO, "committed at once");
        assertEquals("two", client.call("watched", "x", new byte[0]).text());
        assertEquals("two", client.call("settled", "x", new byte[0]).text());
      }
      server.sigkill();
    }

    try (ServerProcess server = ServerProcess.start(data, port, log); SoloClient client = SoloClient.connect(acme)) {
      CallResult watched = client.call("watched", "x", new byte[0]);
      assertEquals("one", watched.text(), "the uncommitted swap is undone");
      assertEquals(1, watched.version());
      CallResult settled = client.call("settled", "x", new byte[0]);
      assertEquals("two", settled.text(), "the committed swap stays");
      assertEquals(2, settled.version());
      assertEquals(List.of("live", "rolled back"), client.versions("watched").stream().map(VersionInfo::state).toList());
      assertEquals(List.of("previous", "live"), client.versions("settled").stream().map(VersionInfo::state).toList());
      List<Event> rolledBack = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (rolledBack.isEmpty() && System.nanoTime() < deadline) {
        try (EventStream events = client.events(EventQuery.of().withTypes(List.of("hot_swap_rolled_back")))) {
          events.forEachRemaining(rolledBack::add);
        }
        Thread.sleep(rolledBack.isEmpty() ? 20 : 0);
      }
      assertEquals(1, rolledBack.size());
      assertEquals("watched", rolledBack.get(0).subject());
      assertTrue(rolledBack.get(0).attributes().get("cause").contains("before the swap was committed"),
          rolledBack.get(0).attributes().toString());
    }
  }
}
