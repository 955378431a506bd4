package dev.solo.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solo.client.Credentials;
import dev.solo.client.SoloClient;
import dev.solo.client.SoloException;
import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Code that does not stop, through a real server: each call is stopped by its budget with
 * RESOURCE_EXHAUSTED naming that budget, within twice the budget; the same service answers its
 * next call; and another tenant's service answers throughout.
 */
class ContainmentTest {
  /** The default CPU budget of a call (DESIGN.md §8). */
  private static final long CPU_BUDGET_MS = 1000;
  /** acme's wall budget, shorter than the default so the floods below end quickly. */
  private static final long WALL_BUDGET_MS = 2000;

  private static final String ATTACKS = """
      import dev.solo.api.*;
      import java.math.BigInteger;
      import java.util.*;
      import java.util.regex.Pattern;
      import java.util.stream.IntStream;
      import java.util.stream.Stream;

      public class Attacks implements Service {
        public Reply handle(Request request, Context ctx) {
          switch (request.method()) {
            case "ok": return Reply.ok("alive");
            case "loop": while (true) { }
            case "finally": while (true) { try { spin(); } finally { continue; } }
            case "retry": while (true) { try { spin(); } catch (RuntimeException e) { ctx.log().info("again"); } }
            case "alloc": { List<long[]> hog = new ArrayList<>(); while (true) { hog.add(new long[1 << 16]); } }
            case "array": return Reply.ok("" + new long[Integer.MAX_VALUE / 8 - 16].length);
            case "matrix": return Reply.ok("" + new int[1 << 16][1 << 16].length);
            case "repeat": return Reply.ok("x".repeat(1 << 30));
            case "builder": return Reply.ok(new StringBuilder(Integer.MAX_VALUE - 8).toString());
            case "recurse": return Reply.ok("" + recurse(0));
            case "regex": return Reply.ok("" + Pattern.compile("((a+)+)+b").matcher("a".repeat(40) + "c").matches());
            case "stream": return Reply.ok("" + Stream.iterate(0L, x -> x + 1).filter(x -> x < 0).count());
            case "emits": while (true) { ctx.emit("flood", Map.of("n", "1")); }
            case "puts": { long i = 0; while (true) { ctx.kv().put("k" + (i++ % 100), new byte[1024]); } }
            case "ints": return Reply.ok("" + IntStream.iterate(0, x -> x + 1).filter(x -> x < -1).count());
            default: return Reply.status(404, "no method " + request.method());
          }
        }
        private static void spin() { while (true) { } }
        private static long recurse(long n) { return recurse(n + 1) + 1; }
      }
      """;

  private static final String STUCK = """
      import dev.solo.api.*;
      import java.math.BigInteger;

      public class Stuck implements Service {
        public Reply handle(Request request, Context ctx) {
          if (request.method().equals("ok")) {
            return Reply.ok("alive");
          }
          // One JDK call of several seconds: no budget check runs inside it.
          BigInteger modulus = BigInteger.ONE.shiftLeft(16384).add(BigInteger.valueOf(12345));
          BigInteger exponent = BigInteger.ONE.shiftLeft(16384).subtract(BigInteger.ONE);
          return Reply.ok("" + BigInteger.valueOf(3).modPow(exponent, modulus).bitLength());
        }
      }
      """;

  @TempDir static Path work;
  private static ServerProcess server;
  private static SoloClient acme;
  private static SoloClient globex;
  private static SoloClient slow;

  @BeforeAll
  static void start() throws Exception {
    Path config = work.resolve("solo-test.conf");
    // "slow" gets a short wall budget so its stuck call is abandoned quickly.
    Files.writeString(config, "solo.tenant-code.grace = 500ms\n"
        + "solo.tenant-limits.slow { wall = 1s }\n"
        // One service takes every attack in turn: its breaker must not open, so each attack meets its budget.
        + "solo.tenant-limits.acme { wall = " + WALL_BUDGET_MS + "ms, breaker-failures = 1000 }\n");
    Path data = work.resolve("data");
    server = ServerProcess.start(data, ServerProcess.freePort(), work.resolve("server.log"), "--config", config.toString());
    try (SoloClient admin = SoloClient.connect(Credentials.read(data.resolve("admin.creds")))) {
      acme = SoloClient.connect(admin.createTenant("acme"));
      globex = SoloClient.connect(admin.createTenant("globex"));
      slow = SoloClient.connect(admin.createTenant("slow"));
    }
    acme.deploy("attacks", Map.of("Attacks.java", ATTACKS), List.of(), "");
    globex.deploy("echo", List.of(Path.of("..", "examples", "echo", "Echo.java")));
    slow.deploy("stuck", Map.of("Stuck.java", STUCK), List.of(), "");
  }

  @AfterAll
  static void stop() throws Exception {
    for (SoloClient client : new SoloClient[] {acme, globex, slow}) {
      if (client != null) {
        client.close();
      }
    }
    server.close();
  }

  @ParameterizedTest(name = "{0} is stopped by the {1} budget")
  @CsvSource({
    "loop, cpu", "finally, cpu", "retry, cpu", "regex, cpu", "ints, cpu",
    "alloc, memory", "stream, memory", "matrix, memory", "array, array", "repeat, array", "builder, array", "recurse, depth",
    "emits, wall", "puts, wall"})
  void runawayCallIsStoppedByItsBudgetAndTheServiceAnswersNext(String attack, String budget) throws Exception {
    AtomicBoolean attacking = new AtomicBoolean(true);
    List<String> neighbourFailures = new CopyOnWriteArrayList<>();
    AtomicInteger neighbourCalls = new AtomicInteger();
    Thread neighbour = new Thread(() -> {
      while (attacking.get()) {
        try {
          assertEquals("still here", globex.call("echo", "any", "still here".getBytes(UTF_8)).text());
          neighbourCalls.incrementAndGet();
        } catch (Throwable t) {
          neighbourFailures.add(t.toString());
        }
        // A steady, modest rate: the neighbour is a quiet tenant, not a second load.
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
      }
    });
    neighbour.start();
    long start = System.nanoTime();
    SoloException stopped = assertThrows(SoloException.class, () -> acme.call("attacks", attack, new byte[0]));
    long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    attacking.set(false);
    neighbour.join(10_000);

    assertEquals(Status.Code.RESOURCE_EXHAUSTED, stopped.code(), stopped.reason());
    // On a busy machine a CPU-bound attack can get less than its 1 s of CPU within the 2 s wall
    // budget, and the wall budget stops it first. Either is containment; that the CPU budget
    // itself trips at its limit is checked exactly in-process (hardening's LoopBudgetTest).
    boolean stoppedByWall = budget.equals("cpu") && stopped.reason().startsWith("the call was stopped by its wall budget: ");
    String expected = stoppedByWall ? "wall" : budget;
    assertTrue(stopped.reason().startsWith("the call was stopped by its " + expected + " budget: "), stopped.reason());
    long budgetMs = expected.equals("wall") ? WALL_BUDGET_MS : CPU_BUDGET_MS;
    assertTrue(elapsedMs < 2 * budgetMs, attack + " took " + elapsedMs + " ms");
    assertEquals("alive", acme.call("attacks", "ok", new byte[0]).text(), "the service answers its next call");
    assertEquals(List.of(), neighbourFailures, "the neighbour tenant's calls all succeed");
    assertTrue(neighbourCalls.get() > 0, "the neighbour was called while the attack ran");
  }

  @Test
  void callStuckInsideOneJdkMethodIsAbandonedAndItsServiceRestarted() throws InterruptedException {
    long start = System.nanoTime();
    SoloException stopped = assertThrows(SoloException.class, () -> slow.call("stuck", "work", new byte[0]));
    long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, stopped.code(), stopped.reason());
    assertTrue(stopped.reason().startsWith("the call was stopped by its wall budget and abandoned: "), stopped.reason());
    assertTrue(elapsedMs < 3000, "the caller is answered at the wall budget plus the grace period, not when the thread returns: "
        + elapsedMs + " ms");

    // Its instance is stuck, so the service counts as crashed: its supervisor restarts it on a
    // fresh thread after a short backoff. Until then its calls get UNAVAILABLE, "is down".
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String answer = null;
    while (answer == null) {
      try {
        answer = slow.call("stuck", "ok", new byte[0]).text();
      } catch (SoloException e) {
        assertEquals(Status.Code.UNAVAILABLE, e.code(), e.reason());
        assertTrue(e.reason().startsWith("service stuck is down: "), e.reason());
        assertTrue(System.nanoTime() < deadline, "not restarted within 30 s");
        Thread.sleep(20);
      }
    }
    assertEquals("alive", answer);
    assertEquals(1, slow.status("stuck").restarts());
    assertEquals("running", stateOf("stuck"));
    assertEquals("still here", globex.call("echo", "any", "still here".getBytes(UTF_8)).text());
  }

  private static String stateOf(String service) {
    return slow.listServices().stream().filter(s -> s.name().equals(service)).findFirst().orElseThrow().state();
  }
}
