package dev.solo.cli;

/** A problem the command itself found, such as a missing file; printed as {@code solo: message}. */
final class CommandFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  CommandFailure(String message) {
    super(message);
  }
}
