package dev.solo.cli;

import dev.solo.client.LogLine;
import dev.solo.client.SoloClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code solo logs SERVICE}. */
@Command(name = "logs", description = "Show what a service logged.")
final class LogsCommand extends ClientCommand {

  @Parameters(paramLabel = "SERVICE", description = "Service name.")
  String service;

  @Option(names = "--tail", paramLabel = "N", description = "The last N lines (default: the server's).")
  int tail;

  @Override
  int run(SoloClient client) {
    for (LogLine l : client.logs(service, tail)) {
      out().println(l.time() + " " + l.level() + " v" + l.version() + " " + l.message());
    }
    return 0;
  }
}
