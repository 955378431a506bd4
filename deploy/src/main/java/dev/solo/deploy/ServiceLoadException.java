package dev.solo.deploy;

/**
 * A version of a service could not be loaded or instantiated. The message is safe to show to
 * the tenant: it never includes text produced by tenant code.
 */
public final class ServiceLoadException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a message. */
  public ServiceLoadException(String message) {
    super(message);
  }

  /** Creates the exception with a message and the failure behind it. */
  public ServiceLoadException(String message, Throwable cause) {
    super(message, cause);
  }
}
