package dev.solo.kernel;

/** Boots and runs a Solo server. */
public final class Kernel {
  private Kernel() {}

  /**
   * Runs a server until it is shut down (SIGTERM or {@code Admin.Shutdown}). Prints a line
   * containing {@code ready} on standard output once it accepts calls.
   *
   * @return the process exit code: 0 after a graceful shutdown
   */
  public static int run(KernelOptions options) {
    throw new UnsupportedOperationException("the kernel is being written");
  }
}
