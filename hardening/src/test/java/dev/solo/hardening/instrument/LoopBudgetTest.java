package dev.solo.hardening.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solo.hardening.budget.BudgetExceededError;
import dev.solo.hardening.budget.BudgetLimits;
import dev.solo.hardening.budget.Meter;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Loops in tenant code end when a budget runs out, and nothing the tenant writes can keep them going. */
class LoopBudgetTest {
  private static final BudgetLimits SHORT_CPU = BudgetLimits.defaults().withCpu(Duration.ofMillis(200));

  /** Source of a Supplier named {@code name} whose {@code get()} has {@code body} as its statements. */
  private static Class<?> supplier(String name, String... members) throws ClassNotFoundException {
    String[] lines = new String[members.length + 2];
    lines[0] = "public class " + name + " implements java.util.function.Supplier<Object> {";
    System.arraycopy(members, 0, lines, 1, members.length);
    lines[lines.length - 1] = "}";
    return TenantCode.load(name, lines);
  }

  /** {@return the error the supplier's get() ends with, and the CPU time it had used by then} */
  private static Tripped trip(Class<?> type, BudgetLimits limits) {
    long[] cpu = new long[1];
    BudgetExceededError error = assertThrows(BudgetExceededError.class, () -> TenantCode.runMetered(limits, meter -> {
      try {
        return TenantCode.supplier(type).get();
      } finally {
        cpu[0] = meter.cpuNanos();
      }
    }));
    return new Tripped(error, Duration.ofNanos(cpu[0]));
  }

  private record Tripped(BudgetExceededError error, Duration cpu) {}

  private static void assertCpuTrip(Tripped tripped) {
    assertEquals(BudgetExceededError.Kind.CPU, tripped.error().kind());
    assertEquals("cpu budget of 200 ms exceeded", tripped.error().getMessage());
    assertTrue(tripped.cpu().compareTo(Duration.ofMillis(400)) < 0,
        "the loop ran for " + tripped.cpu().toMillis() + " ms of CPU, more than twice its budget");
  }

  @Test
  void emptyInfiniteLoopRunsOutOfCpuWithinTwiceItsBudget() throws Throwable {
    assertCpuTrip(trip(supplier("Spin", "public Object get() { while (true) {} }"), SHORT_CPU));
  }

  @Test
  void countingLoopRunsOutOfCpuWithinTwiceItsBudget() throws Throwable {
    assertCpuTrip(trip(supplier("Count",
        "public Object get() {",
        "  long sum = 0;",
        "  for (long i = 0; i >= 0; i++) { sum += i % 7; }",
        "  return sum;",
        "}"), SHORT_CPU));
  }

  @Test
  void loopRunsOutOfWallTimeUnderAShortWallBudget() throws Throwable {
    BudgetLimits shortWall = BudgetLimits.defaults().withCpu(Duration.ofSeconds(30)).withWall(Duration.ofMillis(150));

    Tripped tripped = trip(supplier("Spin", "public Object get() { while (true) {} }"), shortWall);

    assertEquals(BudgetExceededError.Kind.WALL, tripped.error().kind());
    assertEquals("wall budget of 150 ms exceeded", tripped.error().getMessage());
  }

  @Test
  void killFromAnotherThreadStopsALoop() throws Exception {
    Class<?> spin = supplier("Spin", "public Object get() { while (true) {} }");
    BudgetLimits noCpuLimit = BudgetLimits.defaults().withCpu(Duration.ofMinutes(1)).withWall(Duration.ofMinutes(1));
    AtomicReference<Meter> running = new AtomicReference<>();
    CountDownLatch started = new CountDownLatch(1);
    FutureTask<Object> call = new FutureTask<>(() -> {
      try (Meter meter = Meter.start(noCpuLimit)) {
        running.set(meter);
        started.countDown();
        return TenantCode.supplier(spin).get();
      }
    });
    Thread thread = Meter.newTenantThread(call, "tenant-test", TenantCode.STACK_BYTES);
    thread.setDaemon(true);
    thread.start();
    assertTrue(started.await(TenantCode.DEADLINE.toMillis(), TimeUnit.MILLISECONDS), "the call never started");

    running.get().kill();

    ExecutionException e = assertThrows(ExecutionException.class,
        () -> call.get(TenantCode.DEADLINE.toMillis(), TimeUnit.MILLISECONDS));
    BudgetExceededError error = (BudgetExceededError) e.getCause();
    assertEquals(BudgetExceededError.Kind.KILLED, error.kind());
    assertEquals("stopped by the watchdog", error.getMessage());
  }

  @Test
  void returnInFinallyCannotSwallowATrip() throws Throwable {
    assertCpuTrip(trip(supplier("Swallow",
        "public Object get() {",
        "  try {",
        "    while (true) {}",
        "  } finally {",
        "    return \"swallowed\";",
        "  }",
        "}"), SHORT_CPU));
  }

  @Test
  void continueInFinallyCannotSwallowATrip() throws Throwable {
    assertCpuTrip(trip(supplier("Again",
        "static void spin() { while (true) {} }",
        "public Object get() {",
        "  while (true) {",
        "    try {",
        "      spin();",
        "    } finally {",
        "      continue;",
        "    }",
        "  }",
        "}"), SHORT_CPU));
  }

  @Test
  void loopAroundCatchExceptionCannotSwallowATrip() throws Throwable {
    assertCpuTrip(trip(supplier("Catcher",
        "int attempts;",
        "void work() throws Exception { attempts++; if (attempts % 2 == 0) throw new Exception(\"again\"); while (true) {} }",
        "public Object get() {",
        "  while (true) {",
        "    try {",
        "      work();",
        "    } catch (Exception e) {",
        "      attempts++;",
        "    }",
        "  }",
        "}"), SHORT_CPU));
  }

  @Test
  void retryLoopCatchingRuntimeExceptionCannotSwallowATrip() throws Throwable {
    assertCpuTrip(trip(supplier("Retry",
        "int attempts;",
        "Object work() {",
        "  attempts++;",
        "  if (attempts < 3) throw new IllegalStateException(\"not yet\");",
        "  long n = 0;",
        "  while (n >= 0) { n++; }",
        "  return n;",
        "}",
        "public Object get() {",
        "  for (;;) {",
        "    try {",
        "      return work();",
        "    } catch (RuntimeException e) {",
        "      continue;",
        "    } finally {",
        "      attempts += 0;",
        "    }",
        "  }",
        "}"), SHORT_CPU));
  }

  @Test
  void tripIsStickyForTheRestOfTheCall() throws Throwable {
    Class<?> spin = supplier("Spin",
        "static int calls;",
        "public Object get() { calls++; if (calls == 1) { while (true) {} } return \"ran again\"; }");

    BudgetExceededError[] errors = TenantCode.runMetered(SHORT_CPU, meter -> {
      java.util.function.Supplier<Object> tenant = TenantCode.supplier(spin);
      BudgetExceededError first = assertThrows(BudgetExceededError.class, tenant::get);
      BudgetExceededError second = assertThrows(BudgetExceededError.class, tenant::get);
      return new BudgetExceededError[] {first, second, meter.tripped().orElseThrow()};
    });

    assertEquals("cpu budget of 200 ms exceeded", errors[0].getMessage());
    assertSame(errors[0], errors[1]);
    assertSame(errors[0], errors[2]);
  }

  @Test
  void codeThatFinishesWithinItsBudgetReturnsItsResult() throws Throwable {
    Class<?> sum = supplier("Sum",
        "public Object get() {",
        "  long total = 0;",
        "  for (int i = 0; i < 1_000_000; i++) { try { total += i; } finally { total++; } }",
        "  return total;",
        "}");

    assertEquals(499_999_500_000L + 1_000_000L, TenantCode.get(sum, BudgetLimits.defaults()));
  }
}
