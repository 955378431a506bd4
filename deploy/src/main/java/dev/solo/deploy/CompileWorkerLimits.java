package dev.solo.deploy;

import java.time.Duration;
import java.util.Objects;

/**
 * The worker JVMs that run javac for the deploy pipeline. A worker has a heap of its own, so a
 * submission that makes javac use gigabytes costs that worker, not the server.
 *
 * @param workers how many workers compile at the same time; a deploy beyond that waits its turn
 * @param heapMiB the heap of one worker ({@code -Xmx}), in MiB: a compile that needs more ends the
 *     worker and is refused with {@code COMPILE-RESOURCES}
 * @param compilesPerWorker how many compiles one worker serves before a fresh one replaces it,
 *     which bounds the drift of its heap, metaspace and code cache
 * @param startTimeout how long a new worker may take to start and warm javac up; it is not
 *     counted against the compile time limit
 * @param queueTimeout how long a deploy waits for a free worker before it is refused with
 *     {@code COMPILE-BUSY}
 */
public record CompileWorkerLimits(
    int workers, int heapMiB, int compilesPerWorker, Duration startTimeout, Duration queueTimeout) {

  /** Default for {@link #workers}. */
  public static final int DEFAULT_WORKERS = 1;
  /** Default for {@link #heapMiB}: 512 MiB. */
  public static final int DEFAULT_HEAP_MIB = 512;
  /**
   * Default for {@link #compilesPerWorker}: javac's retained heap levels off after about 2,000
   * compiles, while a fresh worker is slower for its first 200 or so, until the JIT has warmed it.
   */
  public static final int DEFAULT_COMPILES_PER_WORKER = 5_000;
  /** Default for {@link #startTimeout}. */
  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);
  /** Default for {@link #queueTimeout}. */
  public static final Duration DEFAULT_QUEUE_TIMEOUT = Duration.ofSeconds(60);
  /** The smallest {@link #heapMiB}: below this, javac cannot compile even a small service. */
  public static final int MIN_HEAP_MIB = 64;

  /** Checks that counts are positive, the heap is at least {@link #MIN_HEAP_MIB} and the timeouts positive. */
  public CompileWorkerLimits {
    Objects.requireNonNull(startTimeout, "startTimeout");
    Objects.requireNonNull(queueTimeout, "queueTimeout");
    if (workers < 1 || compilesPerWorker < 1) {
      throw new IllegalArgumentException("workers and compilesPerWorker must be positive: " + workers
          + ", " + compilesPerWorker);
    }
    if (heapMiB < MIN_HEAP_MIB) {
      throw new IllegalArgumentException("heapMiB must be at least " + MIN_HEAP_MIB + ": " + heapMiB);
    }
    if (startTimeout.isNegative() || startTimeout.isZero() || queueTimeout.isNegative() || queueTimeout.isZero()) {
      throw new IllegalArgumentException("startTimeout and queueTimeout must be positive: " + startTimeout
          + ", " + queueTimeout);
    }
  }

  /** {@return the default workers} */
  public static CompileWorkerLimits defaults() {
    return new CompileWorkerLimits(DEFAULT_WORKERS, DEFAULT_HEAP_MIB, DEFAULT_COMPILES_PER_WORKER,
        DEFAULT_START_TIMEOUT, DEFAULT_QUEUE_TIMEOUT);
  }
}
