package dev.solo.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solo.client.CallResult;
import dev.solo.client.Credentials;
import dev.solo.client.Event;
import dev.solo.client.EventQuery;
import dev.solo.client.EventStream;
import dev.solo.client.ServiceStatus;
import dev.solo.client.SoloClient;
import dev.solo.client.SoloException;
import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Supervision through a real server: a failing service's circuit breaker opens, fails fast
 * without running its code, and closes after a probe; a service that keeps crashing is restarted
 * with backoff and then quarantined, and release brings it back.
 */
class SupervisionTest {
  /** Short breaker and restart settings, so the test does not wait for the defaults. */
  private static final String SETTINGS = """
      solo.limits {
        breaker-failures = 3
        breaker-window = 30s
        breaker-open = 1s
        max-restarts = 3
        restart-window = 60s
        restart-backoff-min = 50ms
        restart-backoff-max = 200ms
      }
      """;

  /** Throws on "fail"; counts every call that ran, so a refused call is visibly not run. */
  private static final String FLAKY = """
      import dev.solo.api.*;

      public class Flaky implements Service {
        private int ran;

        public Reply handle(Request request, Context ctx) {
          ran++;
          if (request.method().equals("fail")) {
            throw new IllegalStateException("broken at call " + ran);
          }
          return Reply.ok("ran " + ran);
        }
      }
      """;

  /** After "poison", its start() fails as many times as the poison says. */
  private static final String FRAGILE = """
      import dev.solo.api.*;
      import java.nio.charset.StandardCharsets;

      public class Fragile implements Service {
        public void start(Context ctx) {
          int left = ctx.kv().get("crashes-left").map(b -> Integer.parseInt(new String(b, StandardCharsets.UTF_8))).orElse(0);
          if (left > 0) {
            ctx.kv().put("crashes-left", Integer.toString(left - 1).getBytes(StandardCharsets.UTF_8));
            throw new IllegalStateException("still broken, " + left + " crashes left");
          }
        }

        public Reply handle(Request request, Context ctx) {
          if (request.method().equals("poison")) {
            ctx.kv().put("crashes-left", request.body());
          }
          return Reply.ok("alive");
        }
      }
      """;

  @TempDir static Path work;
  private static ServerProcess server;
  private static Path adminFile;

  @BeforeAll
  static void startServer() throws Exception {
    Path config = work.resolve("short.conf");
    Files.writeString(config, SETTINGS);
    Path data = work.resolve("data");
    adminFile = data.resolve("admin.creds");
    server = ServerProcess.start(data, ServerProcess.freePort(), work.resolve("server.log"), "--config", config.toString());
  }

  @AfterAll
  static void stopServer() throws InterruptedException {
    server.close();
  }

  @Test
  void aFailingServiceOpensItsBreakerFailsFastAndClosesAfterAProbe() throws Exception {
    Credentials acme;
    try (SoloClient admin = SoloClient.connect(Credentials.read(adminFile))) {
      acme = admin.createTenant("breakers");
    }
    try (SoloClient client = SoloClient.connect(acme)) {
      client.deploy("flaky", Map.of("Flaky.java", FLAKY), List.of(), "");
      for (int i = 1; i <= 3; i++) {
        SoloException thrown = assertThrows(SoloException.class, () -> client.call("flaky", "fail", new byte[0]));
        assertEquals(Status.Code.UNKNOWN, thrown.code());
      }
      long start = System.nanoTime();
      SoloException open = assertThrows(SoloException.class, () -> client.call("flaky", "ok", new byte[0]));
      assertEquals(Status.Code.UNAVAILABLE, open.code());
      assertTrue(open.reason().startsWith("the circuit breaker of service flaky is open after 3 failures in 30 s"
          + " (last: handle() threw java.lang.IllegalStateException: broken at call 3); retry after"), open.reason());
      assertEquals(Status.Code.UNAVAILABLE, assertThrows(SoloException.class, () -> client.call("flaky", "ok", new byte[0])).code());
      assertEquals("open", client.status("flaky").breaker());

      // Once open-for has passed, one call probes; it succeeds and closes the breaker.
      String reply = await(() -> client.call("flaky", "ok", new byte[0]));
      assertTrue(System.nanoTime() - start >= Duration.ofMillis(900).toNanos(), "the breaker stayed open for its time");
      assertEquals("ran 4", reply, "no call ran while the breaker was open");
      assertEquals("ran 5", client.call("flaky", "ok", new byte[0]).text());
      ServiceStatus status = client.status("flaky");
      assertEquals("closed", status.breaker());
      assertEquals(5, status.calls(), "the refused calls never reached the service");
      assertTrue(status.cpuMs() >= 0 && status.allocatedBytes() > 0, "its calls' resources are counted: " + status);
      assertEquals(List.of("circuit_breaker_opened", "circuit_breaker_half_open", "circuit_breaker_closed"),
          types(client, List.of("circuit_breaker_opened", "circuit_breaker_half_open", "circuit_breaker_closed")));
    }
  }

  @Test
  void aSwapToAFixedVersionClosesAnOpenBreakerAtOnce() throws Exception {
    Credentials acme;
    try (SoloClient admin = SoloClient.connect(Credentials.read(adminFile))) {
      acme = admin.createTenant("fixes");
    }
    try (SoloClient client = SoloClient.connect(acme)) {
      client.deploy("flaky", Map.of("Flaky.java", FLAKY), List.of(), "");
      for (int i = 1; i <= 3; i++) {
        assertThrows(SoloException.class, () -> client.call("flaky", "fail", new byte[0]));
      }
      assertEquals("open", client.status("flaky").breaker());
      String fixed = FLAKY.replace("throw new IllegalStateException(\"broken at call \" + ran);", "return Reply.ok(\"fixed\");");
      client.swap("flaky", Map.of("Flaky.java", fixed), Duration.ZERO, "fix the failing method");
      assertEquals("fixed", client.call("flaky", "fail", new byte[0]).text(), "the new version runs at once");
      assertEquals("closed", client.status("flaky").breaker());
    }
  }

  @Test
  void aCrashLoopEndsInQuarantineAndReleaseBringsItBack() throws Exception {
    Credentials acme;
    try (SoloClient admin = SoloClient.connect(Credentials.read(adminFile))) {
      acme = admin.createTenant("crashes");
    }
    try (SoloClient client = SoloClient.connect(acme); SoloClient admin = SoloClient.connect(Credentials.read(adminFile))) {
      client.deploy("fragile", Map.of("Fragile.java", FRAGILE), List.of(), "");
      // Its start will fail 5 times: the first start after this, and 3 restarts, then quarantine.
      client.call("fragile", "poison", "5".getBytes(UTF_8));
      admin.quarantineService("crashes", "fragile");
      admin.releaseService("crashes", "fragile");

      SoloException quarantined = awaitFailure(() -> client.call("fragile", "get", new byte[0]),
          e -> e.reason().contains("is quarantined (crashed"));
      assertEquals(Status.Code.UNAVAILABLE, quarantined.code());
      assertTrue(quarantined.reason().contains("crashed more than 3 times in 60 s; last: ")
          && quarantined.reason().contains("still broken, 2 crashes left"), quarantined.reason());
      assertEquals(3, client.status("fragile").restarts());
      // The quarantine event is appended once the instance has stopped: wait for it.
      List<String> kinds = List.of("service_crashed", "service_restarted", "service_quarantined");
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      List<String> seen = types(client, kinds);
      while (!seen.contains("service_quarantined") && System.nanoTime() < deadline) {
        Thread.sleep(20);
        seen = types(client, kinds);
      }
      assertEquals(4, seen.stream().filter("service_crashed"::equals).count(), seen.toString());
      assertEquals("service_quarantined", seen.get(seen.size() - 1), seen.toString());

      // Released, it crashes once more (1 left), is restarted, and runs.
      admin.releaseService("crashes", "fragile");
      assertEquals("alive", await(() -> client.call("fragile", "get", new byte[0])));
      assertEquals("running", client.status("fragile").service().state());
    }
  }

  /** Calls until the call succeeds, for at most 30 s; every failure on the way is UNAVAILABLE. */
  private static String await(Supplier<CallResult> call) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try {
        return call.get().text();
      } catch (SoloException e) {
        if (e.code() != Status.Code.UNAVAILABLE || System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(50);
      }
    }
  }

  /** Calls until a call fails as {@code expected} says, for at most 30 s. */
  private static SoloException awaitFailure(Supplier<CallResult> call, java.util.function.Predicate<SoloException> expected)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    SoloException last = null;
    while (System.nanoTime() < deadline) {
      try {
        call.get();
      } catch (SoloException e) {
        if (expected.test(e)) {
          return e;
        }
        last = e;
      }
      Thread.sleep(50);
    }
    throw new AssertionError("no expected failure within 30 s; last: " + (last == null ? "none" : last.getMessage()));
  }

  private static List<String> types(SoloClient client, List<String> types) {
    List<String> seen = new ArrayList<>();
    try (EventStream events = client.events(EventQuery.of().withTypes(types))) {
      events.forEachRemaining((Event event) -> seen.add(event.type()));
    }
    return seen;
  }
}
