package dev.solo.kernel;

/**
 * The JVM-wide setting that keeps async continuations off new threads. Pekko's ask hands back a
 * {@code CompletionStage} whose plain stages ({@code thenApply}, {@code whenComplete}, ...) run as
 * async stages on the default executor, and {@code CompletableFuture}'s default executor is a new
 * thread per task when the common pool has a parallelism of 1, as it has on a 2-core machine. The
 * server then started a thread for every reply of the event store and every call (see
 * docs/performance.md). A parallelism of at least 2 makes that executor the common pool.
 */
public final class CommonPool {
  static final String PARALLELISM = "java.util.concurrent.ForkJoinPool.common.parallelism";

  private CommonPool() {}

  /**
   * Gives the common pool at least 2 threads unless {@code -D}{@value #PARALLELISM} says otherwise.
   * Call it first thing in {@code main}: the pool reads the setting once, when first used.
   */
  public static void ensureParallelism() {
    if (System.getProperty(PARALLELISM) == null) {
      System.setProperty(PARALLELISM, Integer.toString(Math.max(2, Runtime.getRuntime().availableProcessors() - 1)));
    }
  }
}
