package dev.solo.cli;

import dev.solo.client.SoloClient;
import dev.solo.client.TokenInfo;
import java.time.Instant;
import picocli.CommandLine.Command;

/** {@code solo tokens}. */
@Command(name = "tokens", description = "List the tokens of this tenant (never their secrets).")
final class TokensCommand extends ClientCommand {

  @Override
  int run(SoloClient client) {
    Table table = Table.of("ID", "PARENT", "REVOKED", "EXPIRES", "PERMISSIONS");
    for (TokenInfo t : client.tokens()) {
      table.row(
          t.tokenId(),
          orDash(t.parentId()),
          t.revoked() ? "yes" : "no",
          t.expires().map(Instant::toString).orElse("never"),
          String.join(",", t.permissions()));
    }
    table.print(out());
    return 0;
  }
}
