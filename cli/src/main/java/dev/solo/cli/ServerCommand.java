package dev.solo.cli;

import dev.solo.kernel.Kernel;
import dev.solo.kernel.KernelOptions;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code solo server}: runs a server in this process until it is shut down. */
@Command(
    name = "server",
    description = {
      "Run a Solo server until SIGTERM or `solo admin shutdown`.",
      "On first start it creates a private CA in the data directory and writes DATA/admin.creds."
    })
final class ServerCommand implements Callable<Integer> {

  @Option(names = "--data", paramLabel = "DIR", description = "Data directory (default: ./data, or solo.data from the configuration).")
  Path data;

  @Option(names = "--port", paramLabel = "N", description = "gRPC port (default: from the configuration, 7443).")
  Integer port;

  @Option(names = "--metrics-port", paramLabel = "N",
      description = "Serve Prometheus metrics at http://127.0.0.1:N/metrics (default: off; 0 = off).")
  Integer metricsPort;

  @Option(names = "--log-json", description = "Log JSON lines (one object per line, on stderr) instead of text.")
  boolean logJson;

  @Option(names = "--config", paramLabel = "FILE", description = "Extra HOCON configuration that wins over the defaults.")
  Path config;

  @Override
  public Integer call() {
    return Kernel.run(new KernelOptions(Optional.ofNullable(data), optional(port), optional(metricsPort), Optional.ofNullable(config),
        logJson));
  }

  private static OptionalInt optional(Integer value) {
    return value == null ? OptionalInt.empty() : OptionalInt.of(value);
  }
}
