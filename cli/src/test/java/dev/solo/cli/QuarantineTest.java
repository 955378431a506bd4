package dev.solo.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solo.client.Credentials;
import dev.solo.client.Event;
import dev.solo.client.EventQuery;
import dev.solo.client.EventStream;
import dev.solo.client.SoloClient;
import dev.solo.client.SoloException;
import io.grpc.Status;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's kill switch through a real server: a quarantined tenant's calls are refused at
 * once, its services stop with their state saved, nothing is deleted, the quarantine survives a
 * crash, and release brings everything back.
 */
class QuarantineTest {
  private static final Path EXAMPLES = Path.of("..", "examples");

  @TempDir Path work;

  @Test
  void quarantinedTenantIsRefusedUntilReleasedAndLosesNothing() throws Exception {
    Path data = work.resolve("data");
    Path log = work.resolve("server.log");
    int port = ServerProcess.freePort();
    Path adminFile = data.resolve("admin.creds");
    Credentials acme;
    Credentials globex;
    try (ServerProcess server = ServerProcess.start(data, port, log)) {
      try (SoloClient admin = SoloClient.connect(Credentials.read(adminFile))) {
        acme = admin.createTenant("acme");
        globex = admin.createTenant("globex");
      }
      try (SoloClient client = SoloClient.connect(acme); SoloClient other = SoloClient.connect(globex)) {
        client.deploy("tally", List.of(EXAMPLES.resolve("tally/Tally.java")));
        client.deploy("counter", List.of(EXAMPLES.resolve("counter/Counter.java")));
        client.call("tally", "increment", "3".getBytes(UTF_8));
        client.call("counter", "increment", "5".getBytes(UTF_8));
        other.deploy("echo", List.of(EXAMPLES.resolve("echo/Echo.java")));

        assertEquals(0, cli("tenant", "quarantine", "acme", "--creds", adminFile.toString()));
        SoloException refused = assertThrows(SoloException.class, () -> client.call("counter", "get", new byte[0]));
        assertEquals(Status.Code.PERMISSION_DENIED, refused.code());
        assertTrue(refused.reason().startsWith("tenant acme is quarantined by the operator"), refused.reason());
        assertEquals(Status.Code.PERMISSION_DENIED, assertThrows(SoloException.class, client::listServices).code());
        assertEquals("untouched", other.call("echo", "x", "untouched".getBytes(UTF_8)).text(), "other tenants are untouched");
      }
      try (SoloClient admin = SoloClient.connect(Credentials.read(adminFile))) {
        assertEquals(Status.Code.NOT_FOUND, assertThrows(SoloException.class, () -> admin.quarantineTenant("nobody")).code());
        admin.quarantineTenant("acme"); // again: nothing changes
        List<String> types = new ArrayList<>();
        try (EventStream events = admin.events(EventQuery.of().withTenant("acme"))) {
          events.forEachRemaining(event -> types.add(event.type()));
        }
        assertTrue(types.contains("tenant_quarantined"), types.toString());
        assertTrue(types.contains("capability_denied"), "refused calls are denials: " + types);
      }
      server.sigkill();
    }

    try (ServerProcess server = ServerProcess.start(data, port, log);
        SoloClient client = SoloClient.connect(acme);
        SoloClient admin = SoloClient.connect(Credentials.read(adminFile))) {
      assertEquals(Status.Code.PERMISSION_DENIED, assertThrows(SoloException.class, () -> client.call("counter", "get", new byte[0])).code(),
          "the quarantine survives a crash");
      admin.releaseTenant("acme");
      assertEquals("5", client.call("counter", "get", new byte[0]).text(), "kv data is untouched");
      assertEquals("3", client.call("tally", "get", new byte[0]).text(), "in-memory state was saved when the services stopped");
      List<Event> released = new ArrayList<>();
      try (EventStream events = admin.events(EventQuery.of().withTenant("acme").withTypes(List.of("tenant_released")))) {
        events.forEachRemaining(released::add);
      }
      assertEquals(1, released.size());
    }
  }

  private static int cli(String... args) {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    return Main.run(args, new PrintStream(sink, true, UTF_8), new PrintStream(sink, true, UTF_8));
  }
}
