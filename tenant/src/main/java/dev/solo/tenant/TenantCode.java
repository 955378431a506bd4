package dev.solo.tenant;

import dev.solo.deploy.ServiceClassLoader;
import dev.solo.hardening.budget.BudgetExceededError;
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

  /** A budget trip is not the tenant's exception to report: it goes on up to the runner. */
  static void rethrowBudget(Throwable t) {
    if (t instanceof BudgetExceededError budget) {
      throw budget;
    }
  }

  /** {@return the outcome of a call of {@code key} whose tenant code did not return a reply}; counts budget trips */
  static CallOutcome outcomeOf(ServiceKey key, Throwable failure) {
    Throwable t = unwrap(failure);
    if (t instanceof BudgetExceededError budget) {
      TenantMetrics.budgetTrip(key.tenant(), budget.kind());
      return CallOutcome.failed(CallOutcome.Failure.RESOURCE_EXHAUSTED,
          "the call was stopped by its " + budget.kind().budgetName() + " budget: " + budget.getMessage());
    }
    if (t instanceof TenantThreads.AbandonedException abandoned) {
      return CallOutcome.failed(CallOutcome.Failure.RESOURCE_EXHAUSTED, ABANDONED + abandoned.getMessage());
    }
    if (t instanceof TenantThreads.OverloadedException overloaded) {
      return CallOutcome.failed(CallOutcome.Failure.UNAVAILABLE, overloaded.getMessage());
    }
    return CallOutcome.failed(CallOutcome.Failure.SERVICE_ERROR, describe(t));
  }

  private static final String ABANDONED = "the call was stopped by its wall budget and abandoned: ";

  /** {@return whether this outcome left the instance's thread abandoned} */
  static boolean abandonedThread(CallOutcome outcome) {
    return outcome instanceof CallOutcome.Failed failed && failed.reason().startsWith(ABANDONED);
  }

  private static Throwable unwrap(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  /** {@return a one-line description of a failure, safe to show to the tenant} */
  static String describe(Throwable failure) {
    Throwable t = unwrap(failure);
    if (t instanceof BudgetExceededError budget) {
      return "stopped by its " + budget.kind().budgetName() + " budget: " + budget.getMessage();
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
