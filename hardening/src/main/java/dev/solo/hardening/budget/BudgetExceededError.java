package dev.solo.hardening.budget;

/**
 * Thrown into tenant code when its call ran out of a budget, was stopped by the watchdog, or ran
 * without a budget at all. Tenant code cannot catch it (the verifier refuses catch types above
 * {@code Exception}), and a {@code finally} block cannot swallow it: once a {@link Meter} trips,
 * every later check on its thread throws the same error again. It carries no stack trace.
 */
public final class BudgetExceededError extends Error {
  private static final long serialVersionUID = 1L;

  /** Which budget ran out. */
  public enum Kind {
    /** CPU time of the calling thread. */
    CPU("cpu"),
    /** Elapsed time since the call started. */
    WALL("wall"),
    /** Bytes allocated by the calling thread. */
    MEMORY("memory"),
    /** One array, or one value backed by an array, over the size limit. */
    ARRAY("array"),
    /** Nesting of tenant method calls. */
    DEPTH("depth"),
    /** The watchdog stopped the call. */
    KILLED("killed"),
    /** Tenant code ran on a thread with no budget bound to it. */
    NO_BUDGET("none");

    private final String budgetName;

    Kind(String budgetName) {
      this.budgetName = budgetName;
    }

    /** {@return the budget's name as a person reads it, such as {@code cpu} or {@code memory}} */
    public String budgetName() {
      return budgetName;
    }
  }

  private final Kind kind;

  BudgetExceededError(Kind kind, String message) {
    super(message, null, false, false);
    this.kind = kind;
  }

  /** {@return which budget ran out} */
  public Kind kind() {
    return kind;
  }

  static BudgetExceededError cpu(long limitNanos) {
    return new BudgetExceededError(Kind.CPU, "cpu budget of " + millis(limitNanos) + " ms exceeded");
  }

  static BudgetExceededError wall(long limitNanos) {
    return new BudgetExceededError(Kind.WALL, "wall budget of " + millis(limitNanos) + " ms exceeded");
  }

  static BudgetExceededError memory(long limitBytes) {
    return new BudgetExceededError(Kind.MEMORY, "memory budget of " + limitBytes + " bytes exceeded");
  }

  static BudgetExceededError array(long bytes, long limitBytes) {
    return new BudgetExceededError(Kind.ARRAY, "array of " + bytes + " bytes is over the limit of " + limitBytes);
  }

  static BudgetExceededError depth(int limit) {
    return new BudgetExceededError(Kind.DEPTH, "call depth over " + limit);
  }

  static BudgetExceededError killed() {
    return new BudgetExceededError(Kind.KILLED, "stopped by the watchdog");
  }

  static BudgetExceededError noBudget() {
    return new BudgetExceededError(Kind.NO_BUDGET,
        "no budget on this thread: tenant code runs only inside a metered call");
  }

  private static long millis(long nanos) {
    return nanos / 1_000_000;
  }
}
