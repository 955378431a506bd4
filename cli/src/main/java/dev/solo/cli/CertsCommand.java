package dev.solo.cli;

import dev.solo.client.SoloClient;
import picocli.CommandLine.Command;

/** {@code solo certs ...}: the server's certificates (admin). */
@Command(name = "certs", description = "Manage the server's certificates (admin).", subcommands = CertsCommand.RotateServer.class)
final class CertsCommand {

  /** {@code solo certs rotate-server}. */
  @Command(
      name = "rotate-server",
      description = "Issue the server a new certificate from its CA and serve it at once; clients keep working.")
  static final class RotateServer extends ClientCommand {
    @Override
    int run(SoloClient client) {
      out().println("the server at " + client.server() + " now serves a new certificate, valid until "
          + client.rotateServerCertificate());
      return 0;
    }
  }
}
