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
import dev.solo.client.SwapResult;
import dev.solo.client.VersionInfo;
import io.grpc.Status;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot swap through a real server: state moves between versions with no failed call and no lost
 * increment, a version that fails within its window rolls back with the right state and events,
 * and the history can be listed and rolled back from the CLI.
 */
class HotSwapTest {
  /** A counter in memory that survives swaps through snapshot()/restore(); {@code %s} varies the version. */
  private static final String COUNTER = """
      import dev.solo.api.*;
      import java.nio.charset.StandardCharsets;

      public class Count implements Service {
        private long count;

        public Reply handle(Request request, Context ctx) {
          %s
          if (request.method().equals("increment")) {
            count++;
          }
          return Reply.ok(Long.toString(count));
        }

        public byte[] snapshot() {
          return Long.toString(count).getBytes(StandardCharsets.UTF_8);
        }

        public void restore(byte[] state) {
          count = Long.parseLong(new String(state, StandardCharsets.UTF_8));
        }
      }
      """;

  private static String version(String extra) {
    return COUNTER.formatted(extra);
  }

  @TempDir static Path work;
  private static ServerProcess server;
  private static Path adminFile;

  @BeforeAll
  static void startServer() throws Exception {
    Path data = work.resolve("data");
    adminFile = data.resolve("admin.creds");
    server = ServerProcess.start(data, ServerProcess.freePort(), work.resolve("server.log"));
  }

  @AfterAll
  static void stopServer() throws InterruptedException {
    server.close();
  }

  private static Credentials tenant(String name) throws Exception {
    try (SoloClient admin = SoloClient.connect(Credentials.read(adminFile))) {
      return admin.createTenant(name);
    }
  }

  @Test
  void twentySwapsUnderLoadLoseNoCallAndNoIncrement() throws Exception {
    Credentials creds = tenant("busy");
    try (SoloClient client = SoloClient.connect(creds)) {
      client.deploy("count", Map.of("Count.java", version("")), List.of(), "");
      AtomicBoolean done = new AtomicBoolean();
      ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
      long[] increments = new long[2];
      List<Thread> callers = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        int index = t;
        Thread caller = new Thread(() -> {
          while (!done.get()) {
            try {
              client.call("count", "increment", new byte[0]);
              increments[index]++;
            } catch (RuntimeException e) {
              failures.add(e.toString());
            }
          }
        });
        caller.start();
        callers.add(caller);
      }
      for (int i = 1; i <= 20; i++) {
        SwapResult swapped = client.swap("count", Map.of("Count.java", version("int v" + i + " = " + i + ";")), null, "swap " + i);
        assertEquals(i + 1, swapped.version());
      }
      done.set(true);
      for (Thread caller : callers) {
        caller.join(Duration.ofSeconds(30).toMillis());
      }
      assertEquals(List.of(), List.copyOf(failures), "no call failed");
      long total = increments[0] + increments[1];
      assertEquals(Long.toString(total), client.call("count", "get", new byte[0]).text(), "no increment was lost");
      assertTrue(total > 20, "the callers ran throughout: " + total);

      List<Double> pauses = new ArrayList<>();
      for (Event event : events(client, List.of("hot_swap_succeeded"))) {
        pauses.add(Double.parseDouble(event.attributes().get("pause_ms")));
      }
      assertEquals(20, pauses.size());
      Collections.sort(pauses);
      System.out.printf("hot swap under load: 20 swaps, %d calls, stash pause p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
          total, pauses.get(9), pauses.get(19), pauses.get(19));
      assertEquals(21, client.versions("count").stream().mapToInt(VersionInfo::version).max().orElseThrow());
      assertEquals(5, client.versions("count").size(), "the last 5 versions are kept");
    }
  }

  @Test
  void aVersionThatThrowsRollsBackWithItsStateAndTheEventsLinked() throws Exception {
    Credentials creds = tenant("throws");
    try (SoloClient client = SoloClient.connect(creds)) {
      client.deploy("count", Map.of("Count.java", version("")), List.of(), "");
      for (int i = 0; i < 3; i++) {
        client.call("count", "increment", new byte[0]);
      }
      client.swap("count", Map.of("Count.java", version("if (request.method().equals(\"increment\")) throw new IllegalStateException(\"v2 is broken\");")),
          null, "try v2");
      assertEquals("3", client.call("count", "get", new byte[0]).text(), "v2 took the state");
      SoloException failed = assertThrows(SoloException.class, () -> client.call("count", "increment", new byte[0]));
      assertEquals(Status.Code.UNKNOWN, failed.code());
      assertTrue(failed.reason().contains("v2 is broken"), "the caller sees its error, not a silent retry: " + failed.reason());
      assertEquals("4", awaitVersion(client, 1).call("count", "increment", new byte[0]).text(),
          "v1 is back with v2's snapshot, and takes calls");

      List<Event> seen = awaitEvents(client,
          List.of("hot_swap_started", "hot_swap_succeeded", "service_call_failed", "hot_swap_rolled_back"), 4);
      assertEquals(List.of("hot_swap_started", "hot_swap_succeeded", "service_call_failed", "hot_swap_rolled_back"),
          seen.stream().map(Event::type).toList());
      Event rolledBack = seen.get(3);
      assertEquals(seen.get(2).id(), rolledBack.causationId(), "linked to the failure that caused it");
      assertEquals("2", rolledBack.attributes().get("from_version"));
      assertEquals("1", rolledBack.attributes().get("to_version"));
      assertTrue(rolledBack.attributes().get("cause").contains("v2 is broken"), rolledBack.attributes().toString());
      assertEquals("the snapshot of version 2", rolledBack.attributes().get("state"));
      assertEquals(List.of("live", "rolled back"), client.versions("count").stream().map(VersionInfo::state).toList());
    }
  }

  @Test
  void aVersionWhoseRestoreThrowsChangesNothing() throws Exception {
    Credentials creds = tenant("restores");
    try (SoloClient client = SoloClient.connect(creds)) {
      client.deploy("count", Map.of("Count.java", version("")), List.of(), "");
      client.call("count", "increment", new byte[0]);
      String badRestore = version("").replace("count = Long.parseLong(new String(state, StandardCharsets.UTF_8));",
          "throw new IllegalStateException(\"cannot read the old format\");");
      SoloException refused = assertThrows(SoloException.class,
          () -> client.swap("count", Map.of("Count.java", badRestore), null, "bad restore"));
      assertEquals(Status.Code.FAILED_PRECONDITION, refused.code());
      assertTrue(refused.reason().contains("was rolled back: restore() threw java.lang.IllegalStateException: cannot read the old format"),
          refused.reason());
      assertEquals("2", client.call("count", "increment", new byte[0]).text(), "version 1 runs on with its state");
      Event rolledBack = events(client, List.of("hot_swap_rolled_back")).get(0);
      assertEquals("2", rolledBack.attributes().get("from_version"));
      assertEquals(List.of("live", "rolled back"), client.versions("count").stream().map(VersionInfo::state).toList());
    }
  }

  @Test
  void aVersionThatLoopsIsStoppedByItsBudgetAndRollsBack() throws Exception {
    Credentials creds = tenant("loops");
    try (SoloClient client = SoloClient.connect(creds)) {
      client.deploy("count", Map.of("Count.java", version("")), List.of(), "");
      client.call("count", "increment", new byte[0]);
      client.swap("count", Map.of("Count.java", version("if (request.method().equals(\"spin\")) { while (true) { count += 0; } }")),
          null, "spins");
      SoloException stopped = assertThrows(SoloException.class, () -> client.call("count", "spin", new byte[0]));
      assertEquals(Status.Code.RESOURCE_EXHAUSTED, stopped.code());
      assertTrue(stopped.reason().contains("cpu budget"), stopped.reason());
      assertEquals("2", awaitVersion(client, 1).call("count", "increment", new byte[0]).text());
      Event rolledBack = awaitEvents(client, List.of("hot_swap_rolled_back"), 1).get(0);
      assertTrue(rolledBack.attributes().get("cause").contains("cpu budget"), rolledBack.attributes().toString());
    }
  }

  @Test
  void versionsAndRollbackWorkFromTheCommandLine() throws Exception {
    Credentials creds = tenant("history");
    Path credsFile = work.resolve("history.creds");
    creds.write(credsFile);
    try (SoloClient client = SoloClient.connect(creds)) {
      client.deploy("count", Map.of("Count.java", version("")), List.of(), "");
      client.call("count", "increment", new byte[0]);
      client.swap("count", Map.of("Count.java", version("int two = 2;")), Duration.ZERO, "");
      client.swap("count", Map.of("Count.java", version("int three = 3;")), Duration.ZERO, "");
      client.call("count", "increment", new byte[0]);

      ByteArrayOutputStream out = new ByteArrayOutputStream();
      assertEquals(0, cli(out, "versions", "count", "--creds", credsFile.toString()));
      String table = out.toString(UTF_8);
      assertTrue(table.contains("VERSION") && table.lines().anyMatch(l -> l.trim().startsWith("3") && l.contains("live")), table);

      out.reset();
      assertEquals(0, cli(out, "rollback", "count", "--to", "1", "--creds", credsFile.toString()));
      assertTrue(out.toString(UTF_8).contains("rolled back count to version 1 (was 3)"), out.toString(UTF_8));
      assertEquals("2", client.call("count", "get", new byte[0]).text(), "the state moved back with the rollback");
      assertEquals(List.of("live", "previous", "rolled back"), client.versions("count").stream().map(VersionInfo::state).toList());
      SoloException missing = assertThrows(SoloException.class, () -> client.rollback("count", 9, ""));
      assertEquals(Status.Code.NOT_FOUND, missing.code());
    }
  }

  /** Waits until the service runs {@code version} (a rollback is under way), for at most 30 s. */
  private static SoloClient awaitVersion(SoloClient client, int version) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (client.call("count", "get", new byte[0]).version() != version) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("still not at version " + version);
      }
      Thread.sleep(20);
    }
    return client;
  }

  /** The events of these types once there are {@code count} of them (they are recorded after the answer), for at most 30 s. */
  private static List<Event> awaitEvents(SoloClient client, List<String> types, int count) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    List<Event> seen = events(client, types);
    while (seen.size() < count && System.nanoTime() < deadline) {
      Thread.sleep(20);
      seen = events(client, types);
    }
    return seen;
  }

  private static List<Event> events(SoloClient client, List<String> types) {
    List<Event> seen = new ArrayList<>();
    try (EventStream events = client.events(EventQuery.of().withTypes(types))) {
      events.forEachRemaining(seen::add);
    }
    return seen;
  }

  private static int cli(ByteArrayOutputStream out, String... args) {
    return Main.run(args, new PrintStream(out, true, UTF_8), new PrintStream(out, true, UTF_8));
  }
}
