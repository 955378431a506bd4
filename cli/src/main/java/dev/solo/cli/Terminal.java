package dev.solo.cli;

import java.io.PrintStream;

/**
 * Where commands write: results on {@code out}, problems on {@code err}.
 *
 * @param out standard output
 * @param err standard error
 */
record Terminal(PrintStream out, PrintStream err) {}
