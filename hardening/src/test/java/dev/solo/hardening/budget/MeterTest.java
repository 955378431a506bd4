package dev.solo.hardening.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The meter as the tenant module and instrumented code use it, without instrumentation. */
@SuppressWarnings("try") // many meters here only scope the checks made in their block
class MeterTest {
  private static final long DEADLINE_MS = 20_000;

  @Test
  void checkWithoutAMeterThrowsNoBudget() {
    BudgetExceededError e = assertThrows(BudgetExceededError.class, Checks::tick);

    assertEquals(BudgetExceededError.Kind.NO_BUDGET, e.kind());
    assertEquals("none", e.kind().budgetName());
    assertEquals("no budget on this thread: tenant code runs only inside a metered call", e.getMessage());
  }

  @Test
  void meterIsBoundToItsThreadUntilClosed() {
    try (Meter meter = Meter.start(BudgetLimits.defaults())) {
      Checks.tick();
      assertEquals(Optional.empty(), meter.tripped());
    }

    assertThrows(BudgetExceededError.class, Checks::tick);
  }

  @Test
  void meterOnATenantThreadWorksLikeOnAnyOtherThread() throws Exception {
    FutureTask<Integer> task = new FutureTask<>(() -> {
      try (Meter meter = Meter.start(BudgetLimits.defaults())) {
        int depth = Checks.enter();
        Checks.leave(depth);
        return depth * 10 + meter.depth();
      }
    });
    Thread thread = Meter.newTenantThread(task, "tenant-test", 1 << 20);
    thread.start();

    assertEquals(10, task.get(DEADLINE_MS, TimeUnit.MILLISECONDS));
    assertEquals("tenant-test", thread.getName());
  }

  @Test
  void tooDeepTripsDepthAndTheTripIsSticky() {
    try (Meter meter = Meter.start(BudgetLimits.defaults().withMaxDepth(2))) {
      Checks.enter();
      int second = Checks.enter();

      BudgetExceededError first = assertThrows(BudgetExceededError.class, Checks::enter);

      assertEquals("call depth over 2", first.getMessage());
      assertSame(first, assertThrows(BudgetExceededError.class, Checks::tick));
      assertSame(first, assertThrows(BudgetExceededError.class, () -> Checks.handler(second)));
      assertSame(first, meter.tripped().orElseThrow());
    }
  }

  @Test
  void leaveAndHandlerRestoreTheDepthOfTheirFrame() {
    try (Meter meter = Meter.start(BudgetLimits.defaults())) {
      int outer = Checks.enter();
      Checks.enter();
      Checks.enter(); // an exception unwinds these two frames without leaving
      Checks.handler(outer);
      assertEquals(1, meter.depth());
      Checks.leave(outer);
      assertEquals(0, meter.depth());
    }
  }

  @Test
  void killFromAnotherThreadTripsTheNextCheck() throws Exception {
    try (Meter meter = Meter.start(BudgetLimits.defaults())) {
      FutureTask<Void> watchdog = new FutureTask<>(meter::kill, null);
      new Thread(watchdog, "watchdog").start();
      watchdog.get(DEADLINE_MS, TimeUnit.MILLISECONDS);

      BudgetExceededError e = assertThrows(BudgetExceededError.class, Checks::tick);

      assertEquals(BudgetExceededError.Kind.KILLED, e.kind());
      assertEquals("stopped by the watchdog", e.getMessage());
    }
  }

  @Test
  void killAfterTheWallBudgetRanOutTripsAsTheWallBudget() throws Exception {
    try (Meter meter = Meter.start(BudgetLimits.defaults().withWall(Duration.ofMillis(1)))) {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEADLINE_MS);
      while (meter.elapsedWallNanos() <= TimeUnit.MILLISECONDS.toNanos(1) && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      meter.kill();

      BudgetExceededError e = assertThrows(BudgetExceededError.class, Checks::tick);

      assertEquals(BudgetExceededError.Kind.WALL, e.kind());
      assertEquals("wall budget of 1 ms exceeded", e.getMessage());
    }
  }

  @Test
  void arrayOverTheLimitIsRefusedAndNegativeCountsAreLeftToTheJvm() {
    try (Meter meter = Meter.start(BudgetLimits.defaults())) {
      assertEquals(-1, Checks.arrayLength(-1, 8));
      assertEquals(1 << 21, Checks.arrayLength(1 << 21, 8));

      BudgetExceededError e = assertThrows(BudgetExceededError.class, () -> Checks.arrayLength((1 << 21) + 1, 8));

      assertEquals(BudgetExceededError.Kind.ARRAY, e.kind());
      assertEquals("array of 16777224 bytes is over the limit of 16777216", e.getMessage());
    }
  }

  @Test
  void allocationsThatAddUpOverTheBudgetTripMemory() {
    try (Meter meter = Meter.start(BudgetLimits.defaults().withAllocatedBytes(10 << 20))) {
      Checks.arrayLength(1 << 20, 4);
      Checks.arrayLength(1 << 20, 4);

      BudgetExceededError e = assertThrows(BudgetExceededError.class, () -> Checks.arrayLength(1 << 20, 4));

      assertEquals("memory budget of 10485760 bytes exceeded", e.getMessage());
    }
  }

  @Test
  void multiDimensionalArraysAreCheckedPerArrayAndInTotal() {
    try (Meter meter = Meter.start(BudgetLimits.defaults())) {
      Checks.arrayDimensions(new int[] {0, Integer.MAX_VALUE}, 8);
      Checks.arrayDimensions(new int[] {3, -1}, 8);

      BudgetExceededError single = assertThrows(BudgetExceededError.class,
          () -> Checks.arrayDimensions(new int[] {2, 1 << 22}, 8));
      assertEquals("array of 33554432 bytes is over the limit of 16777216", single.getMessage());
    }
    try (Meter meter = Meter.start(BudgetLimits.defaults())) {
      BudgetExceededError total = assertThrows(BudgetExceededError.class,
          () -> Checks.arrayDimensions(new int[] {1 << 10, 1 << 10, 1 << 10}, 4));
      assertEquals("memory budget of 67108864 bytes exceeded", total.getMessage());
    }
  }

  @Test
  void nestedMeterIsCheckedUntilClosedAndStartsAtTheOuterDepth() {
    try (Meter outer = Meter.start(BudgetLimits.defaults())) {
      int depth = Checks.enter();
      try (Meter inner = Meter.start(BudgetLimits.defaults())) {
        assertEquals(1, inner.depth());
        inner.kill();
        assertThrows(BudgetExceededError.class, Checks::tick);
      }
      Checks.tick();
      Checks.leave(depth);
      assertEquals(Optional.empty(), outer.tripped());
    }
  }

  @Test
  void killingTheOuterMeterKillsTheInnerOne() {
    try (Meter outer = Meter.start(BudgetLimits.defaults())) {
      try (Meter inner = Meter.start(BudgetLimits.defaults())) {
        outer.kill();
        assertEquals("stopped by the watchdog", assertThrows(BudgetExceededError.class, Checks::tick).getMessage());
      }
      assertEquals(BudgetExceededError.Kind.KILLED, assertThrows(BudgetExceededError.class, Checks::tick).kind());
    }
  }

  @Test
  void closingOnAnotherThreadOrOutOfOrderIsRefused() throws Exception {
    try (Meter outer = Meter.start(BudgetLimits.defaults())) {
      FutureTask<Void> elsewhere = new FutureTask<>(outer::close, null);
      new Thread(elsewhere, "elsewhere").start();
      Exception e = assertThrows(Exception.class, () -> elsewhere.get(DEADLINE_MS, TimeUnit.MILLISECONDS));
      assertEquals("a meter must be closed on the thread that started it: " + Thread.currentThread().getName(),
          e.getCause().getMessage());

      try (Meter inner = Meter.start(BudgetLimits.defaults())) {
        IllegalStateException early = assertThrows(IllegalStateException.class, outer::close);
        assertEquals("a meter started later on this thread is still open", early.getMessage());
      }
    }
  }

  @Test
  void closedMeterKeepsWhatItMeasured() {
    Meter meter = Meter.start(BudgetLimits.defaults());
    long[] work = new long[1 << 16];
    for (int i = 0; i < work.length; i++) {
      work[i] = i * 31L;
    }
    meter.close();

    List<Long> first = List.of(meter.elapsedWallNanos(), meter.cpuNanos(), meter.allocatedBytes());
    List<Long> second = List.of(meter.elapsedWallNanos(), meter.cpuNanos(), meter.allocatedBytes());

    assertEquals(first, second);
    assertTrue(meter.allocatedBytes() >= 8L << 16, "allocated " + meter.allocatedBytes());
    assertTrue(meter.elapsedWallNanos() > 0 && meter.startNanos() <= System.nanoTime());
  }

  @Test
  void limitsDefaultToDesignSection8AndRefuseNonPositiveValues() {
    BudgetLimits defaults = BudgetLimits.defaults();

    assertEquals(new BudgetLimits(Duration.ofSeconds(1), Duration.ofSeconds(5), 64L << 20, 16L << 20, 1000), defaults);
    assertEquals(Duration.ofMillis(5), defaults.withCpu(Duration.ofMillis(5)).cpu());
    assertEquals(7, defaults.withMaxDepth(7).maxDepth());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> defaults.withAllocatedBytes(0));
    assertEquals("budget limits must be positive: PT1S, PT5S, 0 bytes, arrays of 16777216 bytes, depth 1000",
        e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> defaults.withWall(Duration.ZERO));
  }

  @Test
  void everyKindHasALowercaseBudgetNameAndNoStackTrace() {
    assertEquals(List.of("cpu", "wall", "memory", "array", "depth", "killed", "none"),
        Stream.of(BudgetExceededError.Kind.values()).map(BudgetExceededError.Kind::budgetName).toList());
    assertEquals(0, BudgetExceededError.killed().getStackTrace().length);
  }
}
