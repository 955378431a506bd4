package dev.solo.tenant;

import dev.solo.hardening.Finding;
import java.util.List;

/** The outcome of a deploy, a swap, a rollback or a kill. */
public sealed interface DeployOutcome {

  /** The service runs the new version. */
  record Deployed(String service, int version, String artifactHash, long eventId) implements DeployOutcome {}

  /** The service runs another version: a hot swap, or a rollback on request. */
  record Swapped(String service, int version, int previousVersion, long eventId) implements DeployOutcome {}

  /** The service was killed. */
  record Killed(String service, long eventId) implements DeployOutcome {}

  /** The deploy pipeline refused the code; nothing changed. */
  record Refused(List<Finding> findings) implements DeployOutcome {
    /** Copies the findings. */
    public Refused {
      findings = List.copyOf(findings);
    }
  }

  /** The request was not carried out; {@code reason} is safe to show to the tenant. */
  record Rejected(Reason reason, String message) implements DeployOutcome {}

  /** Why a deploy or kill was not carried out. */
  enum Reason {
    NOT_FOUND,
    ALREADY_EXISTS,
    INVALID_ARGUMENT,
    RESOURCE_EXHAUSTED,
    FAILED_PRECONDITION,
    ABORTED,
    INTERNAL
  }
}
