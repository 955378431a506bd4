package dev.solo.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import picocli.CommandLine;

/** The entry point of the {@code solo} command. */
public final class Main {
  private Main() {}

  /** Runs the command line and exits with its status. */
  public static void main(String[] args) {
    dev.solo.kernel.CommonPool.ensureParallelism();
    System.exit(run(args, System.out, System.err));
  }

  /**
   * Runs the command line, writing to the given streams.
   *
   * @return the exit status: 0 on success, 1 on failure, 2 on a usage error
   */
  static int run(String[] args, PrintStream out, PrintStream err) {
    boolean debug = "1".equals(System.getenv("SOLO_DEBUG"));
    CommandLine cli = new CommandLine(new SoloCommand(new Terminal(out, err)));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    cli.setExecutionExceptionHandler(new FailurePrinter(err, debug));
    int status = cli.execute(args);
    out.flush();
    return status;
  }
}
