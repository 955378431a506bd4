package dev.solo.hardening.budget;

import java.lang.management.ManagementFactory;

/**
 * CPU time and allocated bytes of threads, read from the JVM's thread MXBean. Each reading is -1
 * when this JVM cannot measure it; {@link Meter} then falls back on wall time and estimates.
 */
final class ThreadUsage {
  private static final java.lang.management.ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final com.sun.management.ThreadMXBean HOTSPOT = hotspot();
  private static final boolean CPU = enableCpu();

  private ThreadUsage() {}

  /** {@return the CPU time of the calling thread in nanoseconds, or -1} */
  static long currentCpuNanos() {
    return CPU ? THREADS.getCurrentThreadCpuTime() : -1;
  }

  /** {@return the CPU time of {@code thread} in nanoseconds, or -1 (also once it has ended)} */
  static long cpuNanos(Thread thread) {
    return CPU ? THREADS.getThreadCpuTime(thread.getId()) : -1;
  }

  /** {@return the bytes the calling thread has allocated since it started, or -1} */
  static long currentAllocatedBytes() {
    return HOTSPOT == null ? -1 : HOTSPOT.getCurrentThreadAllocatedBytes();
  }

  /** {@return the bytes {@code thread} has allocated since it started, or -1} */
  static long allocatedBytes(Thread thread) {
    return HOTSPOT == null ? -1 : HOTSPOT.getThreadAllocatedBytes(thread.getId());
  }

  private static boolean enableCpu() {
    if (!THREADS.isCurrentThreadCpuTimeSupported() || !THREADS.isThreadCpuTimeSupported()) {
      return false;
    }
    if (!THREADS.isThreadCpuTimeEnabled()) {
      THREADS.setThreadCpuTimeEnabled(true);
    }
    return true;
  }

  private static com.sun.management.ThreadMXBean hotspot() {
    if (THREADS instanceof com.sun.management.ThreadMXBean hotspot && hotspot.isThreadAllocatedMemorySupported()) {
      if (!hotspot.isThreadAllocatedMemoryEnabled()) {
        hotspot.setThreadAllocatedMemoryEnabled(true);
      }
      return hotspot;
    }
    return null;
  }
}
