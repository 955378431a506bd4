package dev.solo.cli;

import dev.solo.client.SoloClient;
import dev.solo.client.Token;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code solo grant PERMISSION...}: derives a narrower token. */
@Command(name = "grant", description = "Derive a narrower, shorter-lived token from this one; it is shown once.")
final class GrantCommand extends ClientCommand {

  @Parameters(arity = "1..*", paramLabel = "PERMISSION", description = "Permissions, for example service.call:counter.")
  List<String> permissions;

  @Option(names = "--ttl", paramLabel = "SECONDS", description = "Lifetime (default: that of this token).")
  long ttlSeconds;

  @Option(names = "--explanation", paramLabel = "TEXT", description = "Why; recorded in the event log.")
  String explanation = "";

  @Override
  int run(SoloClient client) {
    Token token = client.grant(permissions, Duration.ofSeconds(ttlSeconds), explanation);
    out().println("token: " + token.token());
    out().println("token id: " + token.tokenId());
    out().println("expires: " + token.expires().map(Instant::toString).orElse("never"));
    return 0;
  }
}
