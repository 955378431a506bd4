package dev.solo.api;

/** A service's log. Lines are kept by the kernel with the tenant, service and version. */
public interface Log {
  /** Logs an informational line. */
  void info(String msg);

  /** Logs a warning. */
  void warn(String msg);

  /** Logs an error. */
  void error(String msg);
}
