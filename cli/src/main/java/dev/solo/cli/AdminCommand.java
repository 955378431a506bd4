package dev.solo.cli;

import dev.solo.client.SoloClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code solo admin ...}: operator commands. */
@Command(name = "admin", description = "Operate the server (admin).", subcommands = AdminCommand.Shutdown.class)
final class AdminCommand {

  /** {@code solo admin shutdown}. */
  @Command(
      name = "shutdown",
      description = "Shut the server down gracefully: drain calls, snapshot services, close the journal.")
  static final class Shutdown extends ClientCommand {
    @Option(names = "--reason", paramLabel = "TEXT", description = "Why; recorded in the event log.")
    String reason = "";

    @Override
    int run(SoloClient client) {
      client.shutdown(reason);
      out().println("server at " + client.server() + " is shutting down");
      return 0;
    }
  }
}
