package dev.solo.cli;

import dev.solo.client.Finding;
import dev.solo.client.SoloException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Prints what went wrong in a form scripts and people can act on: {@code CODE: reason} for a
 * refusal of the server, then any findings, one per line; {@code solo: message} for anything else.
 * A stack trace only with {@code SOLO_DEBUG=1}.
 */
final class FailurePrinter implements IExecutionExceptionHandler {
  private final PrintStream err;
  private final boolean debug;

  FailurePrinter(PrintStream err, boolean debug) {
    this.err = err;
    this.debug = debug;
  }

  @Override
  public int handleExecutionException(Exception ex, CommandLine command, ParseResult parsed) {
    if (ex instanceof SoloException e) {
      String hint = e.unreachable() ? " (is ./solo server running?)" : "";
      err.println(e.code() + ": " + e.reason() + hint);
      for (Finding finding : e.findings()) err.println(finding);
    } else {
      err.println("solo: " + describe(ex));
    }
    if (debug) ex.printStackTrace(err);
    err.flush();
    return 1;
  }

  private static String describe(Exception ex) {
    if (ex instanceof CommandFailure || ex instanceof IllegalArgumentException) return ex.getMessage();
    if (ex instanceof NoSuchFileException e) return "no such file: " + e.getFile();
    if (ex instanceof AccessDeniedException e) return "permission denied: " + e.getFile();
    if (ex instanceof IOException) return String.valueOf(ex.getMessage());
    return ex.getClass().getSimpleName() + ": " + ex.getMessage() + " (SOLO_DEBUG=1 shows where)";
  }
}
