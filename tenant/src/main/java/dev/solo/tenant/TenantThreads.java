package dev.solo.tenant;

import dev.solo.hardening.budget.BudgetExceededError;
import dev.solo.hardening.budget.BudgetLimits;
import dev.solo.hardening.budget.Meter;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads that run tenant code, and nothing else. Each piece of tenant code runs under a
 * {@link Meter}; a watchdog stops calls that overrun their wall budget, and a thread that does
 * not come back within the grace period after that is abandoned: its caller gets an answer at
 * once, and a new thread takes its place so the pool keeps its size.
 */
public final class TenantThreads implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TenantThreads.class);

  /** How often the watchdog looks at running calls. */
  static final Duration WATCHDOG_PERIOD = Duration.ofMillis(20);

  private final ThreadPoolExecutor pool;
  private final ScheduledExecutorService watchdog;
  private final Duration grace;
  private final int maxAbandoned;
  private final Set<Running<?>> running = ConcurrentHashMap.newKeySet();
  private final AtomicInteger abandoned = new AtomicInteger();

  /**
   * Settings of the tenant-code threads.
   *
   * @param threads how many threads run tenant code at once
   * @param stackBytes the fixed stack size of each thread
   * @param grace how long a stopped call may take to come back before its thread is abandoned
   * @param maxAbandoned how many abandoned threads may exist at once before new work is refused
   */
  public record Settings(int threads, long stackBytes, Duration grace, int maxAbandoned) {
    /** Checks the ranges. */
    public Settings {
      if (threads <= 0 || stackBytes <= 0 || maxAbandoned < 0 || grace.isNegative()) {
        throw new IllegalArgumentException("invalid tenant thread settings: " + threads + ", " + stackBytes + ", " + grace);
      }
    }

    /** {@return 32 threads with 1 MiB stacks, a 1 s grace period and at most 64 abandoned threads} */
    public static Settings defaults() {
      return new Settings(32, 1 << 20, Duration.ofSeconds(1), 64);
    }
  }

  /** The call's thread did not come back in time and was abandoned; the caller need not wait. */
  public static final class AbandonedException extends RuntimeException {
    AbandonedException(String what) {
      super(what, null, false, false);
    }
  }

  /** The server has too many abandoned threads to take more tenant code. */
  public static final class OverloadedException extends RuntimeException {
    OverloadedException(String what) {
      super(what, null, false, false);
    }
  }

  /** Starts the threads and the watchdog. */
  public TenantThreads(Settings settings) {
    AtomicInteger ids = new AtomicInteger();
    ThreadFactory factory = runnable -> {
      Thread thread = Meter.newTenantThread(runnable, "tenant-code-" + ids.incrementAndGet(), settings.stackBytes());
      thread.setDaemon(true);
      return thread;
    };
    this.pool = new ThreadPoolExecutor(settings.threads(), settings.threads(), 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), factory);
    this.watchdog = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "tenant-code-watchdog");
      thread.setDaemon(true);
      return thread;
    });
    this.grace = settings.grace();
    this.maxAbandoned = settings.maxAbandoned();
    watchdog.scheduleAtFixedRate(this::watch, WATCHDOG_PERIOD.toMillis(), WATCHDOG_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
  }

  /**
   * Runs tenant code under a budget. The future fails with the {@link BudgetExceededError} that
   * stopped it, with {@link AbandonedException} if its thread had to be abandoned, or with
   * whatever the code threw.
   */
  public <T> CompletableFuture<T> run(BudgetLimits limits, String what, Callable<T> code) {
    return run(limits, what, code, null);
  }

  /** Runs tenant code under a budget, as above, and adds the CPU time and bytes it used to {@code use}. */
  public <T> CompletableFuture<T> run(BudgetLimits limits, String what, Callable<T> code, ResourceUse use) {
    CompletableFuture<T> result = new CompletableFuture<>();
    if (abandoned.get() > maxAbandoned) {
      result.completeExceptionally(new OverloadedException("too many stuck tenant threads; try again later"));
      return result;
    }
    Running<T> call = new Running<>(what, limits, result, use);
    pool.execute(() -> call.runOnThisThread(code));
    return result;
  }

  /** {@return the number of abandoned threads that have not come back yet} */
  public int abandonedThreads() {
    return abandoned.get();
  }

  private void watch() {
    long now = System.nanoTime();
    for (Running<?> call : running) {
      call.watch(now);
    }
  }

  @Override
  public void close() {
    watchdog.shutdownNow();
    pool.shutdownNow();
  }

  /** One piece of tenant code from submission to completion. */
  private final class Running<T> {
    private final String what;
    private final BudgetLimits limits;
    private final CompletableFuture<T> result;
    private final ResourceUse use;
    private volatile Meter meter;
    private volatile long killedAt;
    private volatile boolean gaveUp;

    Running(String what, BudgetLimits limits, CompletableFuture<T> result, ResourceUse use) {
      this.what = what;
      this.limits = limits;
      this.result = result;
      this.use = use;
    }

    void runOnThisThread(Callable<T> code) {
      running.add(this);
      try (Meter started = Meter.start(limits)) {
        meter = started;
        T value = code.call();
        result.complete(value);
      } catch (Throwable t) {
        result.completeExceptionally(t);
      } finally {
        running.remove(this);
        Meter closed = meter;
        if (use != null && closed != null) {
          use.add(closed.cpuNanos(), closed.allocatedBytes());
        }
        if (gaveUp) {
          returnAbandonedThread();
        }
      }
    }

    void watch(long now) {
      Meter current = meter;
      if (current == null || gaveUp) {
        return;
      }
      long elapsed = now - current.startNanos();
      if (killedAt == 0 && elapsed > limits.wall().toNanos()) {
        killedAt = now;
        current.kill();
      } else if (killedAt != 0 && now - killedAt > grace.toNanos()) {
        abandon();
      }
    }

    private void abandon() {
      gaveUp = true;
      running.remove(this);
      // A new thread takes the place of the one that is stuck; it is given back when that returns.
      synchronized (pool) {
        pool.setMaximumPoolSize(pool.getMaximumPoolSize() + 1);
        pool.setCorePoolSize(pool.getCorePoolSize() + 1);
      }
      int stuck = abandoned.incrementAndGet();
      LOG.warn("{} did not stop within {} ms of its wall budget; its thread is abandoned ({} stuck)",
          what, grace.toMillis(), stuck);
      result.completeExceptionally(new AbandonedException(what + " did not stop within " + grace.toMillis()
          + " ms after its wall budget of " + limits.wall().toMillis() + " ms; its thread was abandoned"));
    }

    private void returnAbandonedThread() {
      abandoned.decrementAndGet();
      synchronized (pool) {
        pool.setCorePoolSize(pool.getCorePoolSize() - 1);
        pool.setMaximumPoolSize(pool.getMaximumPoolSize() - 1);
      }
      LOG.info("an abandoned tenant thread came back ({})", what);
    }
  }
}
