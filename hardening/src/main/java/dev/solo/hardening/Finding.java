package dev.solo.hardening;

import java.util.Objects;

/**
 * One reason a submission was refused, as a person reads it.
 *
 * @param rule the rule id, for example {@code SBX-MONITOR}
 * @param file the source file name, for example {@code Counter.java}; empty when the finding
 *     concerns the whole submission
 * @param line the 1-based line, 0 when unknown
 * @param column the 1-based column, 0 when unknown
 * @param message what is wrong, in words a person understands
 */
public record Finding(String rule, String file, int line, int column, String message) {

  /** Checks that nothing is null and positions are not negative. */
  public Finding {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(message, "message");
    if (line < 0 || column < 0) {
      throw new IllegalArgumentException("line and column must be >= 0: " + line + ":" + column);
    }
  }

  /** {@return a finding at a position in a file} */
  public static Finding of(String rule, String file, int line, int column, String message) {
    return new Finding(rule, file, line, column, message);
  }

  /** {@return a finding about the whole submission rather than one file} */
  public static Finding of(String rule, String message) {
    return new Finding(rule, "", 0, 0, message);
  }

  /** {@return {@code File.java:LINE:COL: RULE: message}, or {@code RULE: message} without a file} */
  @Override
  public String toString() {
    String where = file.isEmpty() ? "" : file + ":" + line + ":" + column + ": ";
    return where + rule + ": " + message;
  }
}
