package dev.solo.cli;

import dev.solo.client.SoloClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code solo revoke TOKEN_ID}. */
@Command(name = "revoke", description = "Revoke a token and every token derived from it.")
final class RevokeCommand extends ClientCommand {

  @Parameters(paramLabel = "TOKEN_ID", description = "Id of the token, as `solo tokens` shows it.")
  String tokenId;

  @Option(names = "--explanation", paramLabel = "TEXT", description = "Why; recorded in the event log.")
  String explanation = "";

  @Override
  int run(SoloClient client) {
    for (String id : client.revoke(tokenId, explanation)) out().println("revoked " + id);
    return 0;
  }
}
