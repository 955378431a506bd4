package dev.solo.cli;

import dev.solo.client.SoloClient;
import dev.solo.client.SwapResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code solo swap SERVICE FILE...}: hot swap with automatic rollback. */
@Command(
    name = "swap",
    description = "Hot-swap a running service to new source; it rolls back if the new version fails within the watchdog window.")
final class SwapCommand extends ClientCommand {

  @Parameters(index = "0", paramLabel = "SERVICE", description = "Service name.")
  String service;

  @Parameters(index = "1..*", arity = "1..*", paramLabel = "FILE", description = "Java source files.")
  List<Path> files;

  @Option(names = "--watchdog", paramLabel = "DURATION",
      description = "How long a failure of the new version rolls it back: 30s (default), 2m, 500ms; 0s for none.")
  String watchdog;

  @Option(names = "--explanation", paramLabel = "TEXT", description = "Why; recorded in the event log.")
  String explanation = "";

  private static Duration duration(String text) {
    try {
      return GrantCommand.duration(text);
    } catch (CommandFailure e) {
      throw new CommandFailure("--watchdog " + text + " is not a duration; use 30s, 2m, 500ms or 0s");
    }
  }

  @Override
  int run(SoloClient client) throws Exception {
    Duration window = watchdog == null ? null : duration(watchdog);
    SwapResult r = client.swap(service, SoloClient.sources(files), window, explanation);
    out().println("swapped " + r.service() + " to version " + r.version() + " (was " + r.previousVersion() + ")"
        + (window != null && window.isZero() ? "" : "; it rolls back if it fails within "
            + (window == null ? "30s" : watchdog.trim())));
    return 0;
  }
}
