package dev.solo.tenant;

import dev.solo.deploy.ServiceClassLoader;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * How the host talks about failures of tenant code. It never calls a method that tenant code
 * may override (an exception class of the tenant's own may override {@code getMessage}), and
 * it never passes on a stack trace.
 */
final class TenantCode {
  private static final int MAX_MESSAGE = 300;

  private TenantCode() {}

  /** A service could not be loaded or started; the message is safe to show to its tenant. */
  static final class StartException extends RuntimeException {
    StartException(String message) {
      super(message, null, false, false);
    }
  }

  /** {@return a one-line description of a failure, safe to show to the tenant} */
  static String describe(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof StartException) {
      return t.getMessage();
    }
    String name = t.getClass().getName();
    if (t.getClass().getClassLoader() instanceof ServiceClassLoader) {
      return name;
    }
    String message = t.getMessage();
    if (message == null || message.isBlank()) {
      return name;
    }
    String line = message.lines().findFirst().orElse("");
    return name + ": " + (line.length() > MAX_MESSAGE ? line.substring(0, MAX_MESSAGE) + "..." : line);
  }
}
