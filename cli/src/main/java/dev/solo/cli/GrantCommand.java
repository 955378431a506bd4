package dev.solo.cli;

import dev.solo.client.Credentials;
import dev.solo.client.SoloClient;
import dev.solo.client.Token;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code solo grant --perm P [--perm P]... --ttl DURATION --out FILE}: derives a narrower,
 * shorter-lived token from this one and writes it, with this certificate, to a new credentials
 * file. The token is never printed.
 */
@Command(
    name = "grant",
    description = "Derive a token with a subset of this token's permissions, expiring no later, into a new credentials file.")
final class GrantCommand extends ClientCommand {
  private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  @Option(names = "--perm", required = true, paramLabel = "PERMISSION",
      description = "A permission of the new token, for example service.call:counter; repeat for more.")
  List<String> permissions;

  @Option(names = "--ttl", required = true, paramLabel = "DURATION",
      description = "How long the token lives: 90s, 30m, 12h, 7d, or ISO-8601 such as PT1H.")
  String ttl;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "The credentials file to write; must not exist.")
  Path out;

  @Option(names = "--explanation", paramLabel = "TEXT", description = "Why; recorded in the event log.")
  String explanation = "";

  @Override
  int run(SoloClient client) throws Exception {
    Duration lifetime = duration(ttl);
    // Checked first: the token is shown once, and only into this file.
    if (Files.exists(out)) {
      throw new CommandFailure(out + " already exists; choose another --out or remove it");
    }
    Token token = client.grant(permissions, lifetime, explanation);
    new Credentials(credentials.server(), credentials.tenant(), credentials.ca(), credentials.cert(), credentials.key(),
            token.token(), token.tokenId())
        .write(out);
    out().println("granted " + token.tokenId() + " (" + String.join(", ", permissions) + "), expires "
        + token.expires().map(Instant::toString).orElse("never") + ", credentials in " + out);
    return 0;
  }

  static Duration duration(String text) {
    Matcher shortForm = SHORT_DURATION.matcher(text.trim());
    if (shortForm.matches()) {
      long amount = Long.parseLong(shortForm.group(1));
      return switch (shortForm.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        default -> Duration.ofDays(amount);
      };
    }
    try {
      return Duration.parse(text.trim());
    } catch (DateTimeParseException e) {
      throw new CommandFailure("--ttl " + text + " is not a duration; use 90s, 30m, 12h, 7d or ISO-8601 such as PT1H");
    }
  }
}
