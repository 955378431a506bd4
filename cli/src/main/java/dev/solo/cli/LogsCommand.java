package dev.solo.cli;

import dev.solo.client.LogLine;
import dev.solo.client.SoloClient;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code solo logs SERVICE}: what a service wrote with {@code ctx.log()}. */
@Command(
    name = "logs",
    description = {
      "Show what a service logged with ctx.log(), oldest first: `TIME LEVEL vVERSION message`.",
      "The server keeps the last 1,000 lines of each service in memory: a restart of the server, a kill"
          + " or a new deploy of the name forgets them."
    })
final class LogsCommand extends ClientCommand {
  private static final Pattern RELATIVE = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");

  @Parameters(paramLabel = "SERVICE", description = "Service name.")
  String service;

  @Option(names = "--tail", paramLabel = "N", description = "The last N matching lines (default: the server's, 100).")
  int tail;

  @Option(
      names = "--since",
      paramLabel = "WHEN",
      description = "Only lines logged since WHEN: an ISO-8601 time (2026-01-02T03:04:05Z) or an age (30s, 10m, 2h, 1d).")
  String since;

  @Option(names = "--grep", paramLabel = "TEXT", description = "Only lines that contain TEXT (plain text, case-sensitive).")
  String grep = "";

  @Override
  int run(SoloClient client) {
    if (tail < 0) throw new CommandFailure("--tail takes a number of lines, 0 or more; got " + tail);
    for (LogLine l : client.logs(service, tail, since(since, Instant.now()), grep)) {
      out().println(l.time() + " " + l.level() + " v" + l.version() + " " + l.message());
    }
    return 0;
  }

  /** {@return the time {@code text} names: an ISO-8601 instant, or an age before {@code now}; the epoch for none} */
  static Instant since(String text, Instant now) {
    if (text == null || text.isBlank()) return Instant.EPOCH;
    Matcher age = RELATIVE.matcher(text.strip());
    if (age.matches()) {
      long amount = Long.parseLong(age.group(1));
      Duration duration = switch (age.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        default -> Duration.ofDays(amount);
      };
      Instant when = now.minus(duration);
      return when.isBefore(Instant.EPOCH) ? Instant.EPOCH : when;
    }
    try {
      return Instant.parse(text.strip());
    } catch (DateTimeParseException e) {
      throw new CommandFailure("--since takes an ISO-8601 time such as 2026-01-02T03:04:05Z, or an age such as"
          + " 30s, 10m, 2h or 1d; got " + text);
    }
  }
}
