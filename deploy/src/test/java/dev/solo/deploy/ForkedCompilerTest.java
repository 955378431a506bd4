package dev.solo.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.solo.hardening.Finding;
import dev.solo.hardening.SourceLimits;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** javac in worker JVMs: what a deploy sees when a worker runs out of heap or time, and that no worker outlives its use. */
class ForkedCompilerTest {
  private static final Duration DEADLINE = Duration.ofSeconds(30);
  private static final Map<String, String> COUNTER = Submission.example("counter");

  private static DeployLimits limits(Duration timeout, int heapMiB, int compilesPerWorker, Duration queueTimeout) {
    return new DeployLimits(SourceLimits.defaults(), timeout,
        new CompileWorkerLimits(1, heapMiB, compilesPerWorker, Duration.ofSeconds(60), queueTimeout));
  }

  @Test
  void workerThatRunsOutOfMemoryIsReplacedAndTheNextCompileSucceeds() throws Exception {
    try (ForkedCompiler compiler = new ForkedCompiler(limits(Duration.ofSeconds(120), 128, 500, DEADLINE))) {
      assertEquals(Set.of("Counter"), compiler.compile(COUNTER).value().keySet());
      ProcessHandle first = onlyWorker(compiler);

      Outcome<Map<String, byte[]>> bomb = compiler.compile(mapBomb(24));

      assertEquals(List.of("COMPILE-RESOURCES: the compiler ran out of memory (limit 128 MiB) compiling this"
          + " submission: deeply nested generic types or calls make javac's work grow exponentially; split them up"),
          strings(bomb.findings()));
      assertGone(first);
      assertEquals(Set.of("Counter"), compiler.compile(COUNTER).value().keySet());
      assertNotEquals(first.pid(), onlyWorker(compiler).pid());
    }
  }

  @Test
  void aWorkerCompileSeesNoClassAnEarlierCompileDeclared() throws Exception {
    try (ForkedCompiler compiler = new ForkedCompiler(limits(Duration.ofSeconds(60), 512, 500, DEADLINE))) {
      Map<String, String> first = new java.util.HashMap<>(COUNTER);
      first.putAll(Submission.file("Secret.java", "final class Secret {", "  static int value() { return 42; }", "}"));
      assertEquals(Set.of("Counter", "Secret"), compiler.compile(first).value().keySet());
      ProcessHandle worker = onlyWorker(compiler);

      Outcome<Map<String, byte[]>> peek = compiler.compile(Submission.file("Peek.java",
          "import dev.solo.api.*;",
          "public class Peek implements Service {",
          "  public Reply handle(Request request, Context ctx) { return Reply.ok(\"\" + Secret.value()); }",
          "}"));

      assertEquals(worker.pid(), onlyWorker(compiler).pid(), "the same worker, and so the same javac context");
      List<String> findings = strings(peek.findings());
      assertTrue(findings.stream().anyMatch(finding -> finding.contains("COMPILE: cannot find symbol")), findings.toString());
    }
  }

  @Test
  void compilePastTheTimeLimitKillsItsWorkerAndTheNextCompileSucceeds() throws Exception {
    try (ForkedCompiler compiler = new ForkedCompiler(limits(Duration.ofSeconds(1), 512, 500, DEADLINE))) {
      assertEquals(Set.of("Counter"), compiler.compile(COUNTER).value().keySet());
      ProcessHandle first = onlyWorker(compiler);
      long start = System.nanoTime();

      Outcome<Map<String, byte[]>> bomb = compiler.compile(inferenceBomb(22));

      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertEquals(List.of("COMPILE-TIMEOUT: compiling took longer than 1000 ms and was stopped"),
          strings(bomb.findings()));
      assertTrue(took.compareTo(Duration.ofSeconds(10)) < 0, () -> "the refusal took " + took);
      assertGone(first);
      assertEquals(Set.of("Counter"), compiler.compile(COUNTER).value().keySet());
      assertNotEquals(first.pid(), onlyWorker(compiler).pid());
    }
  }

  @Test
  void workerIsReplacedAfterItsCompilesPerWorker() throws Exception {
    try (ForkedCompiler compiler = new ForkedCompiler(limits(Duration.ofSeconds(30), 512, 2, DEADLINE))) {
      compiler.compile(COUNTER);
      ProcessHandle first = onlyWorker(compiler);

      assertEquals(Set.of("Counter"), compiler.compile(COUNTER).value().keySet());

      assertGone(first);
      ProcessHandle second = onlyWorker(compiler);
      assertNotEquals(first.pid(), second.pid());
      assertEquals(Set.of("Counter"), compiler.compile(COUNTER).value().keySet());
      assertEquals(second.pid(), onlyWorker(compiler).pid());
    }
  }

  @Test
  void compileBeyondTheWorkersIsRefusedWhenNoneFreesUpInTime() throws Exception {
    ExecutorService caller = Executors.newSingleThreadExecutor();
    try (ForkedCompiler compiler = new ForkedCompiler(limits(Duration.ofSeconds(3), 512, 500, Duration.ofMillis(200)))) {
      compiler.compile(COUNTER);
      Future<Outcome<Map<String, byte[]>>> bomb = caller.submit(() -> compiler.compile(inferenceBomb(22)));
      await(() -> compiler.busyWorkers() == 1);

      assertEquals(List.of("COMPILE-BUSY: the server is compiling other submissions and none finished within"
          + " 200 ms: try again later"), strings(compiler.compile(COUNTER).findings()));
      assertEquals(List.of("COMPILE-TIMEOUT: compiling took longer than 3000 ms and was stopped"),
          strings(bomb.get(DEADLINE.toSeconds(), TimeUnit.SECONDS).findings()));
    } finally {
      caller.shutdownNow();
    }
  }

  @Test
  void workerExitsWhenItsStdinClosesEvenInTheMiddleOfACompile() throws Exception {
    Process worker = new ProcessBuilder(ForkedCompiler.command(128))
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      FutureTask<Void> ready = new FutureTask<>(() -> {
        CompileProtocol.readReady(new DataInputStream(worker.getInputStream()));
        return null;
      });
      new Thread(ready, "await-ready").start();
      ready.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
      DataOutputStream requests = new DataOutputStream(worker.getOutputStream());
      CompileProtocol.writeRequest(requests, inferenceBomb(24)); // minutes of javac

      requests.close();

      assertEquals(CompileWorkerMain.EXIT_STDIN_CLOSED, worker.onExit().get(10, TimeUnit.SECONDS).exitValue());
    } finally {
      worker.destroyForcibly();
    }
  }

  @Test
  void workerEndsWhenItsServerIsKilled() throws Exception {
    Process server = new ProcessBuilder(ProcessHandle.current().info().command().orElseThrow(),
        "-cp", System.getProperty("java.class.path"), KilledServer.class.getName())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      FutureTask<String> workerPid = new FutureTask<>(() -> server.inputReader().readLine());
      new Thread(workerPid, "read-worker-pid").start();
      ProcessHandle worker = ProcessHandle.of(Long.parseLong(workerPid.get(DEADLINE.toSeconds(), TimeUnit.SECONDS)))
          .orElseThrow();

      server.destroyForcibly(); // kill -9: no shutdown hook, no close

      assertGone(worker);
    } finally {
      server.destroyForcibly();
    }
  }

  /** A server that starts a compile worker, prints its process id and then compiles for minutes, until it is killed. */
  static final class KilledServer {
    public static void main(String[] args) throws Exception {
      ForkedCompiler compiler = new ForkedCompiler(limits(Duration.ofMinutes(10), 512, 500, DEADLINE));
      compiler.compile(COUNTER);
      System.out.println(compiler.workers().get(0).pid());
      System.out.flush();
      compiler.compile(inferenceBomb(24));
    }
  }

  /** {@return a service whose {@code depth} nested maps double the size of their type at each level} */
  private static Map<String, String> mapBomb(int depth) {
    StringBuilder source = new StringBuilder("import dev.solo.api.*; import java.util.*;\n"
        + "public class Bomb implements Service { public Reply handle(Request r, Context c) {\n"
        + "  var v0 = Map.of(1, 1);\n");
    for (int i = 1; i <= depth; i++) {
      source.append("  var v").append(i).append(" = Map.of(v").append(i - 1).append(", v").append(i - 1).append(");\n");
    }
    return Map.of("Bomb.java", source.append("  return Reply.ok(\"\"); } }\n").toString());
  }

  /** {@return a service with {@code depth} nested calls of a generic method whose result type doubles at each call} */
  private static Map<String, String> inferenceBomb(int depth) {
    String calls = "1";
    for (int i = 0; i < depth; i++) {
      calls = "twice(" + calls + ")";
    }
    return Map.of("Bomb.java", "import dev.solo.api.*; import java.util.*;\n"
        + "public class Bomb implements Service {\n"
        + "  static <T> Map<T, T> twice(T t) { return Map.of(t, t); }\n"
        + "  public Reply handle(Request r, Context c) { return Reply.ok(\"\" + " + calls + "); }\n"
        + "}\n");
  }

  private static ProcessHandle onlyWorker(ForkedCompiler compiler) {
    List<ProcessHandle> workers = compiler.workers();
    assertEquals(1, workers.size(), () -> "workers: " + workers);
    return workers.get(0);
  }

  private static void assertGone(ProcessHandle worker) throws Exception {
    worker.onExit().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    assertFalse(worker.isAlive(), () -> "compile worker " + worker.pid() + " is still running");
  }

  private static void await(BooleanSupplier condition) {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("the condition did not hold within " + DEADLINE);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    }
  }

  private static List<String> strings(List<Finding> findings) {
    return findings.stream().map(Finding::toString).toList();
  }
}
