package dev.solo.deploy;

import dev.solo.hardening.Finding;
import java.util.List;

/** What one pass of the pipeline produced: a value, or the findings that stop the deploy. */
record Outcome<T>(T value, List<Finding> findings) {

  Outcome {
    findings = List.copyOf(findings);
  }

  static <T> Outcome<T> of(T value) {
    return new Outcome<>(value, List.of());
  }

  static <T> Outcome<T> refused(List<Finding> findings) {
    return new Outcome<>(null, findings);
  }

  boolean isRefused() {
    return !findings.isEmpty();
  }
}
