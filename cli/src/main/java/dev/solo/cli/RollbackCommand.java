package dev.solo.cli;

import dev.solo.client.SoloClient;
import dev.solo.client.SwapResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code solo rollback SERVICE [--to N]}. */
@Command(name = "rollback", description = "Switch a service back to one of its kept versions.")
final class RollbackCommand extends ClientCommand {

  @Parameters(paramLabel = "SERVICE", description = "Service name.")
  String service;

  @Option(names = "--to", paramLabel = "VERSION", description = "Version to return to (default: the previous one).")
  int toVersion;

  @Option(names = "--explanation", paramLabel = "TEXT", description = "Why; recorded in the event log.")
  String explanation = "";

  @Override
  int run(SoloClient client) {
    SwapResult r = client.rollback(service, toVersion, explanation);
    out().println("rolled back " + r.service() + " to version " + r.version() + " (was " + r.previousVersion() + ")");
    return 0;
  }
}
