package dev.solo.hardening.budget;

import java.time.Duration;
import java.util.Objects;

/**
 * The budget of one call of tenant code (DESIGN §8).
 *
 * @param cpu CPU time of the calling thread
 * @param wall elapsed time since the call started
 * @param allocatedBytes bytes the calling thread may allocate, whether or not they are still live
 * @param maxArrayBytes the largest single array (or array-backed value, such as a string) in bytes
 * @param maxDepth the deepest nesting of tenant method calls on the thread
 */
public record BudgetLimits(Duration cpu, Duration wall, long allocatedBytes, long maxArrayBytes, int maxDepth) {

  /** Default for {@link #cpu}: 1 s. */
  public static final Duration DEFAULT_CPU = Duration.ofSeconds(1);
  /** Default for {@link #wall}: 5 s. */
  public static final Duration DEFAULT_WALL = Duration.ofSeconds(5);
  /** Default for {@link #allocatedBytes}: 64 MiB. */
  public static final long DEFAULT_ALLOCATED_BYTES = 64L << 20;
  /** Default for {@link #maxArrayBytes}: 16 MiB. */
  public static final long DEFAULT_MAX_ARRAY_BYTES = 16L << 20;
  /** Default for {@link #maxDepth}. */
  public static final int DEFAULT_MAX_DEPTH = 1000;

  /** Checks that nothing is null and every limit is positive. */
  public BudgetLimits {
    Objects.requireNonNull(cpu, "cpu");
    Objects.requireNonNull(wall, "wall");
    if (cpu.isNegative() || cpu.isZero() || wall.isNegative() || wall.isZero()
        || allocatedBytes < 1 || maxArrayBytes < 1 || maxDepth < 1) {
      throw new IllegalArgumentException("budget limits must be positive: " + cpu + ", " + wall + ", "
          + allocatedBytes + " bytes, arrays of " + maxArrayBytes + " bytes, depth " + maxDepth);
    }
  }

  /** {@return the default budget: 1 s CPU, 5 s wall, 64 MiB allocated, 16 MiB arrays, depth 1000} */
  public static BudgetLimits defaults() {
    return new BudgetLimits(DEFAULT_CPU, DEFAULT_WALL, DEFAULT_ALLOCATED_BYTES, DEFAULT_MAX_ARRAY_BYTES, DEFAULT_MAX_DEPTH);
  }

  /** {@return these limits with another CPU budget} */
  public BudgetLimits withCpu(Duration cpu) {
    return new BudgetLimits(cpu, wall, allocatedBytes, maxArrayBytes, maxDepth);
  }

  /** {@return these limits with another wall time budget} */
  public BudgetLimits withWall(Duration wall) {
    return new BudgetLimits(cpu, wall, allocatedBytes, maxArrayBytes, maxDepth);
  }

  /** {@return these limits with another allocation budget} */
  public BudgetLimits withAllocatedBytes(long allocatedBytes) {
    return new BudgetLimits(cpu, wall, allocatedBytes, maxArrayBytes, maxDepth);
  }

  /** {@return these limits with another largest array} */
  public BudgetLimits withMaxArrayBytes(long maxArrayBytes) {
    return new BudgetLimits(cpu, wall, allocatedBytes, maxArrayBytes, maxDepth);
  }

  /** {@return these limits with another deepest call nesting} */
  public BudgetLimits withMaxDepth(int maxDepth) {
    return new BudgetLimits(cpu, wall, allocatedBytes, maxArrayBytes, maxDepth);
  }
}
