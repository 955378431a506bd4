package dev.solo.client;

import java.util.Objects;

/**
 * One reason the deploy pipeline refused a service, with where in the source it points.
 *
 * @param rule the id of the rule, for example {@code no-reflection} or {@code compile}
 * @param file the source file name, for example {@code Counter.java}
 * @param line the 1-based line, 0 if none
 * @param column the 1-based column, 0 if none
 * @param message what is wrong, for a person
 */
public record Finding(String rule, String file, int line, int column, String message) {

  /** Checks that nothing is null. */
  public Finding {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(message, "message");
  }

  /** {@return a finding with the given fields} */
  public static Finding of(String rule, String file, int line, int column, String message) {
    return new Finding(rule, file, line, column, message);
  }

  static Finding from(dev.solo.proto.v1.Finding f) {
    return new Finding(f.getRule(), f.getFile(), f.getLine(), f.getColumn(), f.getMessage());
  }

  /** {@return the finding as compilers print it: {@code File.java:LINE:COL: RULE: message}} */
  @Override
  public String toString() {
    return file + ":" + line + ":" + column + ": " + rule + ": " + message;
  }
}
