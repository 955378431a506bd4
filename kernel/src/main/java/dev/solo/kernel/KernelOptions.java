package dev.solo.kernel;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What the command line may override in the server's configuration. An empty value leaves the
 * configured one (HOCON: {@code solo.conf} in the data directory, then the built-in defaults).
 *
 * @param dataDir the data directory ({@code ./data} when neither this nor the configuration sets it)
 * @param port the gRPC port (7443 by default)
 * @param metricsPort the Prometheus metrics port; empty: as configured ({@code solo.metrics-port}, off by default)
 * @param configFile an extra HOCON file whose settings win over the defaults
 * @param logJson whether the server logs JSON lines instead of text
 */
public record KernelOptions(
    Optional<Path> dataDir, OptionalInt port, OptionalInt metricsPort, Optional<Path> configFile, boolean logJson) {}
