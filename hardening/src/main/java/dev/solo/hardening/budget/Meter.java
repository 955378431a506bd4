package dev.solo.hardening.budget;

import java.util.Objects;
import java.util.Optional;

/**
 * The budget of one running call of tenant code, bound to the thread that runs it.
 *
 * <p>{@link #start} binds a new meter to the calling thread; instrumented code on that thread
 * then checks it at every method entry, backward jump, switch and exception handler (see
 * {@link Checks}). The kill flag and an earlier trip are looked at on every check; CPU time,
 * allocated bytes and wall time every {@link #SAMPLE_PERIOD_TICKS} checks. {@link #close} must
 * be called in a {@code finally} on the same thread.
 *
 * <pre>{@code
 * try (Meter meter = Meter.start(limits)) {
 *   reply = service.handle(request, ctx);
 * }
 * }</pre>
 *
 * <p>Meters nest: {@code start} on a thread that already has an open meter stacks the new one
 * on top (for a call from one service into another on the same thread). Only the innermost meter
 * is checked until it is closed; it starts at the call depth of the one below it, so the depth
 * limit bounds the whole thread's stack, and killing the outer meter kills the inner one too.
 *
 * <p>Threads made by {@link #newTenantThread} find their meter fastest; any other thread works
 * too, through a thread-local.
 */
public final class Meter implements AutoCloseable {

  /** Checks between two readings of CPU time, allocated bytes and the clock: 2^10. */
  public static final int SAMPLE_PERIOD_TICKS = 1 << 10;

  private static final ThreadLocal<Meter> BOUND = new ThreadLocal<>();

  private final BudgetLimits limits;
  private final Thread thread;
  private final Meter outer;
  private final long cpuLimitNanos;
  private final long wallLimitNanos;
  private final long allocatedLimitBytes;
  private final long maxArrayBytes;
  final int maxDepth;
  private final long startNanos;
  private final long startCpuNanos;
  private final long startAllocatedBytes;

  // Read and written only by the metered thread.
  int countdown = SAMPLE_PERIOD_TICKS;
  int depth;
  private long measuredBytes;
  private long estimatedBytes;

  /** True once the meter is killed or tripped: the one field every check reads besides the countdown. */
  volatile boolean attention;
  private volatile boolean killed;
  private volatile BudgetExceededError tripped;
  private volatile Meter inner;
  private volatile Usage closed;

  /** What a closed meter measured. */
  private record Usage(long wallNanos, long cpuNanos, long allocatedBytes) {}

  private Meter(BudgetLimits limits, Thread thread, Meter outer) {
    this.limits = limits;
    this.thread = thread;
    this.outer = outer;
    this.cpuLimitNanos = nanos(limits.cpu());
    this.wallLimitNanos = nanos(limits.wall());
    this.allocatedLimitBytes = limits.allocatedBytes();
    this.maxArrayBytes = limits.maxArrayBytes();
    this.maxDepth = limits.maxDepth();
    this.depth = outer == null ? 0 : outer.depth;
    this.startCpuNanos = ThreadUsage.currentCpuNanos();
    this.startAllocatedBytes = ThreadUsage.currentAllocatedBytes();
    this.startNanos = System.nanoTime();
  }

  /**
   * {@return a new meter with these limits, bound to the calling thread} If the thread has an
   * open meter already, the new one is stacked on top of it until it is closed.
   */
  public static Meter start(BudgetLimits limits) {
    Objects.requireNonNull(limits, "limits");
    Thread thread = Thread.currentThread();
    Meter outer = bound(thread);
    Meter meter = new Meter(limits, thread, outer);
    if (outer != null) {
      outer.inner = meter;
      if (outer.killed) {
        meter.kill();
      }
    }
    bind(thread, meter);
    return meter;
  }

  /**
   * {@return a new, unstarted thread for running tenant code} Checks on it find their meter in a
   * field of the thread rather than in a thread-local.
   *
   * @param task what the thread runs
   * @param name the thread's name
   * @param stackSize the stack size in bytes, as for {@link Thread#Thread(ThreadGroup, Runnable, String, long)}
   */
  public static Thread newTenantThread(Runnable task, String name, long stackSize) {
    return new MeteredThread(Objects.requireNonNull(task, "task"), Objects.requireNonNull(name, "name"), stackSize);
  }

  /**
   * Stops the call: the next check on the metered thread throws {@link BudgetExceededError}, of
   * kind {@code WALL} if the call is past its wall budget (why the watchdog kills) and
   * {@code KILLED} otherwise, and so does every check after it. Callable from any thread.
   */
  public void kill() {
    killed = true;
    attention = true;
    Meter nested = inner;
    if (nested != null) {
      nested.kill();
    }
  }

  /** {@return the error this meter tripped with, or empty while it has not tripped} */
  public Optional<BudgetExceededError> tripped() {
    return Optional.ofNullable(tripped);
  }

  /** {@return the limits this meter enforces} */
  public BudgetLimits limits() {
    return limits;
  }

  /** {@return the {@link System#nanoTime} at which the meter started} */
  public long startNanos() {
    return startNanos;
  }

  /** {@return the wall time since the meter started, or until it was closed} */
  public long elapsedWallNanos() {
    Usage usage = closed;
    return usage != null ? usage.wallNanos() : System.nanoTime() - startNanos;
  }

  /** {@return the CPU time the metered thread has used since the meter started, or until it was closed} */
  public long cpuNanos() {
    Usage usage = closed;
    if (usage != null) {
      return usage.cpuNanos();
    }
    long now = Thread.currentThread() == thread ? ThreadUsage.currentCpuNanos() : ThreadUsage.cpuNanos(thread);
    return now < 0 || startCpuNanos < 0 ? elapsedWallNanos() : now - startCpuNanos;
  }

  /** {@return the bytes the metered thread has allocated since the meter started, or until it was closed} */
  public long allocatedBytes() {
    Usage usage = closed;
    if (usage != null) {
      return usage.allocatedBytes();
    }
    long now = Thread.currentThread() == thread
        ? ThreadUsage.currentAllocatedBytes() : ThreadUsage.allocatedBytes(thread);
    return now < 0 || startAllocatedBytes < 0 ? measuredBytes + estimatedBytes : now - startAllocatedBytes;
  }

  /** {@return how deeply tenant methods are nested on the metered thread right now (0 outside tenant code)} */
  public int depth() {
    return depth;
  }

  /**
   * Unbinds this meter from its thread (the meter below it, if any, is checked again) and freezes
   * what it measured. Closing a closed meter does nothing.
   *
   * @throws IllegalStateException on another thread than the one that started the meter, or
   *     while a meter started after this one on the same thread is still open
   */
  @Override
  public void close() {
    if (closed != null) {
      return;
    }
    Thread current = Thread.currentThread();
    if (current != thread) {
      throw new IllegalStateException("a meter must be closed on the thread that started it: " + thread.getName());
    }
    if (bound(current) != this) {
      throw new IllegalStateException("a meter started later on this thread is still open");
    }
    closed = new Usage(System.nanoTime() - startNanos, cpuNanos(), allocatedBytes());
    bind(current, outer);
    if (outer != null) {
      outer.inner = null;
    }
  }

  /**
   * {@return the innermost open meter of the calling thread}
   *
   * @throws BudgetExceededError of kind {@code NO_BUDGET} if the thread has none
   */
  static Meter current() {
    if (Thread.currentThread() instanceof MeteredThread metered) {
      Meter meter = metered.meter;
      if (meter == null) {
        throw BudgetExceededError.noBudget();
      }
      return meter;
    }
    return currentFromThreadLocal();
  }

  /** {@return the innermost open meter of the calling thread, or null} */
  static Meter currentOrNull() {
    return bound(Thread.currentThread());
  }

  private static Meter currentFromThreadLocal() {
    Meter meter = BOUND.get();
    if (meter == null) {
      throw BudgetExceededError.noBudget();
    }
    return meter;
  }

  private static Meter bound(Thread thread) {
    return thread instanceof MeteredThread metered ? metered.meter : BOUND.get();
  }

  private static void bind(Thread thread, Meter meter) {
    if (thread instanceof MeteredThread metered) {
      metered.meter = meter;
    } else if (meter == null) {
      BOUND.remove();
    } else {
      BOUND.set(meter);
    }
  }

  /**
   * The slow part of a check, when the countdown ran out or {@link #attention} is set: throws an
   * earlier trip again, turns a kill into a trip, else reads CPU time, wall time and allocation.
   */
  void check() {
    BudgetExceededError error = tripped;
    if (error != null) {
      throw error;
    }
    if (killed) {
      // The watchdog kills a call whose wall time ran out: say so, rather than just "killed".
      boolean overWall = System.nanoTime() - startNanos > wallLimitNanos;
      throw trip(overWall ? BudgetExceededError.wall(wallLimitNanos) : BudgetExceededError.killed());
    }
    countdown = SAMPLE_PERIOD_TICKS;
    long now = System.nanoTime();
    long cpu = ThreadUsage.currentCpuNanos();
    if ((cpu < 0 || startCpuNanos < 0 ? now - startNanos : cpu - startCpuNanos) > cpuLimitNanos) {
      throw trip(BudgetExceededError.cpu(cpuLimitNanos));
    }
    if (now - startNanos > wallLimitNanos) {
      throw trip(BudgetExceededError.wall(wallLimitNanos));
    }
    long allocated = ThreadUsage.currentAllocatedBytes();
    if (allocated >= 0 && startAllocatedBytes >= 0) {
      measuredBytes = allocated - startAllocatedBytes;
      estimatedBytes = 0;
    }
    if (measuredBytes + estimatedBytes > allocatedLimitBytes) {
      throw trip(BudgetExceededError.memory(allocatedLimitBytes));
    }
  }

  /** {@return the error for a call nested deeper than the limit, now tripped} */
  BudgetExceededError tooDeep() {
    return trip(BudgetExceededError.depth(maxDepth));
  }

  /**
   * Admits one array (or array-backed value) of {@code bytes} that is about to be allocated:
   * trips ARRAY if it is over the size limit, else charges it to the allocation budget.
   */
  void allocate(long bytes) {
    limitArray(bytes);
    charge(bytes);
  }

  /** Trips ARRAY if one array of {@code bytes} is over the size limit; charges nothing. */
  void limitArray(long bytes) {
    if (bytes > maxArrayBytes) {
      throw trip(BudgetExceededError.array(bytes, maxArrayBytes));
    }
  }

  /**
   * Charges an estimate of bytes about to be allocated inside one JDK call, and trips MEMORY if
   * the budget cannot take it. The next sample replaces estimates with the measured figure.
   */
  void charge(long bytes) {
    long estimate = estimatedBytes + Math.max(0, bytes);
    estimatedBytes = estimate < 0 ? Long.MAX_VALUE : estimate;
    if (measuredBytes + estimatedBytes > allocatedLimitBytes || estimatedBytes > allocatedLimitBytes) {
      throw trip(BudgetExceededError.memory(allocatedLimitBytes));
    }
  }

  private BudgetExceededError trip(BudgetExceededError error) {
    if (tripped == null) {
      tripped = error;
    }
    attention = true;
    return tripped;
  }

  private static long nanos(java.time.Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }
}
