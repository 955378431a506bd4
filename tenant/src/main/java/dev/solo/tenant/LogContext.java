package dev.solo.tenant;

import org.slf4j.MDC;

/**
 * The tenant, service and call id of the work a thread is doing, in the logging context (SLF4J
 * MDC), so every log line written meanwhile carries them: as {@code tenant=... service=...
 * call_id=...} in text logs, as fields in JSON logs. The gateway opens one around each call's
 * handling, and the service actor around the tenant code that serves it.
 *
 * <pre>{@code
 * try (LogContext ignored = LogContext.open(tenant, service, callId)) {
 *   ...
 * }
 * }</pre>
 *
 * Closing restores what the thread had before, so contexts nest (a thread that finishes one
 * call may start the next).
 */
public final class LogContext implements AutoCloseable {
  /** The MDC key of the tenant. */
  public static final String TENANT = "tenant";
  /** The MDC key of the service. */
  public static final String SERVICE = "service";
  /** The MDC key of the call id. */
  public static final String CALL_ID = "call_id";

  private final String previousTenant;
  private final String previousService;
  private final String previousCallId;

  private LogContext(String previousTenant, String previousService, String previousCallId) {
    this.previousTenant = previousTenant;
    this.previousService = previousService;
    this.previousCallId = previousCallId;
  }

  /** {@return a context naming the tenant, service and call id; an empty value is left out} */
  public static LogContext open(String tenant, String service, String callId) {
    LogContext previous = new LogContext(MDC.get(TENANT), MDC.get(SERVICE), MDC.get(CALL_ID));
    set(TENANT, tenant);
    set(SERVICE, service);
    set(CALL_ID, callId);
    return previous;
  }

  /** Restores the context the thread had before. */
  @Override
  public void close() {
    set(TENANT, previousTenant);
    set(SERVICE, previousService);
    set(CALL_ID, previousCallId);
  }

  private static void set(String key, String value) {
    if (value == null || value.isEmpty()) {
      MDC.remove(key);
    } else {
      MDC.put(key, value);
    }
  }
}
