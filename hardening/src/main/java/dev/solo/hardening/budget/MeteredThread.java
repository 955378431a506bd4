package dev.solo.hardening.budget;

/**
 * A thread made for tenant code: it holds its own meter in a field, so a check finds the budget
 * with one field load instead of a thread-local lookup. Created by {@link Meter#newTenantThread}.
 */
final class MeteredThread extends Thread {
  /** The innermost open meter of this thread; read and written only by the thread itself. */
  Meter meter;

  MeteredThread(Runnable task, String name, long stackSize) {
    super(null, task, name, stackSize);
  }
}
