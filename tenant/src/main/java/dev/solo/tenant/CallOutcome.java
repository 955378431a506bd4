package dev.solo.tenant;

import dev.solo.api.Reply;

/** The outcome of one call: the service's reply, or why there is none. */
public sealed interface CallOutcome {

  /** The service answered. */
  record Replied(Reply reply, int version) implements CallOutcome {}

  /** There is no reply; {@code reason} is safe to show to the calling tenant. */
  record Failed(Failure failure, String reason) implements CallOutcome {}

  /** Why a call has no reply. The gateway turns these into gRPC status codes. */
  enum Failure {
    /** No such service for this tenant, or it was killed. */
    NOT_FOUND,
    /** The service is starting, failed to start, or is stopping. */
    UNAVAILABLE,
    /** The service's queue is full, or a limit stopped the call. */
    RESOURCE_EXHAUSTED,
    /** The call's deadline passed before it ran or finished. */
    DEADLINE_EXCEEDED,
    /** The service's code threw. */
    SERVICE_ERROR,
    /** Bad input, for example an empty method name. */
    INVALID_ARGUMENT
  }

  /** {@return a failure outcome} */
  static CallOutcome failed(Failure failure, String reason) {
    return new Failed(failure, reason);
  }
}
