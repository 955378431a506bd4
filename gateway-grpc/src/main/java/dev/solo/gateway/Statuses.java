package dev.solo.gateway;

import dev.solo.hardening.Finding;
import dev.solo.proto.v1.Findings;
import dev.solo.tenant.CallOutcome;
import dev.solo.tenant.DeployOutcome;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns outcomes into gRPC statuses: the only place that does. */
final class Statuses {
  private static final Logger LOG = LoggerFactory.getLogger(Statuses.class);

  private Statuses() {}

  static StatusRuntimeException of(CallOutcome.Failed failed) {
    Status status = switch (failed.failure()) {
      case NOT_FOUND -> Status.NOT_FOUND;
      case UNAVAILABLE -> Status.UNAVAILABLE;
      case RESOURCE_EXHAUSTED -> Status.RESOURCE_EXHAUSTED;
      case DEADLINE_EXCEEDED -> Status.DEADLINE_EXCEEDED;
      case SERVICE_ERROR -> Status.UNKNOWN;
      case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
    };
    return status.withDescription(failed.reason()).asRuntimeException();
  }

  static StatusRuntimeException of(DeployOutcome.Rejected rejected) {
    Status status = switch (rejected.reason()) {
      case NOT_FOUND -> Status.NOT_FOUND;
      case ALREADY_EXISTS -> Status.ALREADY_EXISTS;
      case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
      case RESOURCE_EXHAUSTED -> Status.RESOURCE_EXHAUSTED;
      case FAILED_PRECONDITION -> Status.FAILED_PRECONDITION;
      case ABORTED -> Status.ABORTED;
      case INTERNAL -> Status.INTERNAL;
    };
    return status.withDescription(rejected.message()).asRuntimeException();
  }

  static StatusRuntimeException refused(List<Finding> findings) {
    Findings.Builder proto = Findings.newBuilder();
    for (Finding finding : findings) {
      proto.addFindingsBuilder()
          .setRule(finding.rule())
          .setFile(finding.file())
          .setLine(finding.line())
          .setColumn(finding.column())
          .setMessage(finding.message());
    }
    Metadata trailers = new Metadata();
    trailers.put(Keys.FINDINGS, proto.build());
    String summary = findings.size() == 1 ? "1 finding" : findings.size() + " findings";
    return Status.INVALID_ARGUMENT.withDescription("deploy refused: " + summary).asRuntimeException(trailers);
  }

  /**
   * A call the load shedder refused: RESOURCE_EXHAUSTED, with when to retry in the description
   * and in the {@code retry-after-ms} trailer. It names no other tenant and no server-wide count.
   */
  static StatusRuntimeException shed(LoadShedder.Refusal refusal) {
    String why = switch (refusal.reason()) {
      case TENANT_LIMIT -> "tenant " + refusal.tenant() + " has " + refusal.inflight() + " calls in flight, its limit (max-inflight)";
      case GLOBAL_LIMIT -> "the server has as many calls in flight as it takes (global-inflight)";
      case FAIR_SHARE -> "the server is busy and tenant " + refusal.tenant() + " has " + refusal.inflight()
          + " calls in flight, more than its fair share";
    };
    Metadata trailers = new Metadata();
    trailers.put(Keys.RETRY_AFTER_MS, Long.toString(refusal.retryAfterMillis()));
    return new Shed(Status.RESOURCE_EXHAUSTED.withDescription(why + "; retry after " + refusal.retryAfterMillis() + " ms"), trailers);
  }

  /** A refusal of the load shedder: made by the thousand in a flood, never logged, so no stack trace. */
  private static final class Shed extends StatusRuntimeException {
    Shed(Status status, Metadata trailers) {
      super(status, trailers);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }

  static StatusRuntimeException invalid(String reason) {
    return Status.INVALID_ARGUMENT.withDescription(reason).asRuntimeException();
  }

  static StatusRuntimeException notFound(String reason) {
    return Status.NOT_FOUND.withDescription(reason).asRuntimeException();
  }

  /** An unexpected failure: logged here with its cause, sent to the client without it. */
  static StatusRuntimeException internal(String what, Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (cause instanceof StatusRuntimeException status) {
      return status;
    }
    if (cause instanceof TimeoutException || cause instanceof org.apache.pekko.pattern.AskTimeoutException) {
      return Status.UNAVAILABLE.withDescription(what + " timed out inside the server; try again").asRuntimeException();
    }
    LOG.error("{} failed", what, cause);
    return Status.INTERNAL.withDescription(what + " failed inside the server").asRuntimeException();
  }
}
