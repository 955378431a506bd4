package dev.solo.cli;

import dev.solo.client.SoloClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code solo kill SERVICE}. */
@Command(name = "kill", description = "Stop a service and remove it.")
final class KillCommand extends ClientCommand {

  @Parameters(paramLabel = "SERVICE", description = "Service name.")
  String service;

  @Option(names = "--explanation", paramLabel = "TEXT", description = "Why; recorded in the event log.")
  String explanation = "";

  @Override
  int run(SoloClient client) {
    long eventId = client.kill(service, explanation);
    out().println("killed " + service + " (event #" + eventId + ")");
    return 0;
  }
}
