package dev.solo.deploy;

import dev.solo.hardening.Finding;
import java.util.List;
import java.util.Objects;

/** What the deploy pipeline made of a submission. */
public sealed interface DeployResult {

  /** Every pass succeeded; the artifact is stored. */
  record Accepted(Artifact artifact) implements DeployResult {
    /** Checks that the artifact is present. */
    public Accepted {
      Objects.requireNonNull(artifact, "artifact");
    }
  }

  /** A pass refused the submission; nothing was stored. */
  record Refused(List<Finding> findings) implements DeployResult {
    /** Copies the findings, of which there is at least one. */
    public Refused {
      findings = List.copyOf(findings);
      if (findings.isEmpty()) {
        throw new IllegalArgumentException("a refusal needs at least one finding");
      }
    }
  }
}
