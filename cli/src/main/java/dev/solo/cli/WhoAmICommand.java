package dev.solo.cli;

import dev.solo.client.SoloClient;
import dev.solo.client.WhoAmI;
import java.time.Instant;
import picocli.CommandLine.Command;

/** {@code solo whoami}: who the server takes these credentials to be. */
@Command(name = "whoami", description = "Show who the server takes these credentials to be.")
final class WhoAmICommand extends ClientCommand {

  @Override
  int run(SoloClient client) {
    WhoAmI me = client.whoAmI();
    out().println("principal: " + me.principal());
    out().println("tenant: " + orDash(me.tenant()));
    out().println("token: " + orDash(me.tokenId()));
    out().println("permissions: " + (me.permissions().isEmpty() ? "-" : String.join(" ", me.permissions())));
    out().println("token expires: " + me.tokenExpires().map(Instant::toString).orElse("never"));
    return 0;
  }
}
