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

  @Option(names = "--watchdog", paramLabel = "SECONDS", description = "Watchdog window (default: the server's, 30).")
  long watchdogSeconds;

  @Option(names = "--explanation", paramLabel = "TEXT", description = "Why; recorded in the event log.")
  String explanation = "";

  @Override
  int run(SoloClient client) throws Exception {
    SwapResult r = client.swap(service, SoloClient.sources(files), Duration.ofSeconds(watchdogSeconds), explanation);
    out().println("swapped " + r.service() + " to version " + r.version() + " (was " + r.previousVersion() + ")");
    return 0;
  }
}
