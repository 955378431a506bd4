package dev.solo.hardening;

import dev.solo.hardening.instrument.Instrumentation;
import java.util.Map;

/**
 * Rewrites verified class files before they are stored, to add what verification cannot
 * refuse (budget checks). Implementations are stateless and thread-safe.
 */
public interface Instrumenter {

  /** {@return the rewritten classes, binary name to class file bytes} */
  Map<String, byte[]> instrument(Map<String, byte[]> classes);

  /**
   * {@return the instrumenter that adds budget checks} Its output is verified against
   * {@link Instrumentation#allowlist()}, and runs only inside a {@link dev.solo.hardening.budget.Meter}.
   */
  static Instrumenter budgets() {
    return Instrumentation.instrumenter();
  }

  /** {@return the instrumenter that changes nothing} */
  static Instrumenter identity() {
    return IdentityInstrumenter.INSTANCE;
  }
}
