package dev.solo.kernel;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import dev.solo.tenant.TenantRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The server's settings, from lowest to highest precedence: the built-in defaults
 * ({@code reference.conf}), {@code DATA/solo.conf}, the file given with {@code --config}, and
 * the command-line flags.
 */
record KernelSettings(
    Config config,
    Path dataDir,
    String bind,
    int port,
    int metricsPort,
    Duration drainTimeout,
    Duration bootTimeout,
    Duration clientCertificateLifetime,
    TenantRuntime.Limits limits) {

  static KernelSettings load(KernelOptions options) {
    Config flags = ConfigFactory.empty();
    if (options.dataDir().isPresent()) {
      flags = flags.withValue("solo.data", ConfigValueFactory.fromAnyRef(options.dataDir().get().toString()));
    }
    if (options.port().isPresent()) {
      flags = flags.withValue("solo.port", ConfigValueFactory.fromAnyRef(options.port().getAsInt()));
    }
    if (options.metricsPort().isPresent()) {
      flags = flags.withValue("solo.metrics-port", ConfigValueFactory.fromAnyRef(options.metricsPort().getAsInt()));
    }
    Config fromFile = options.configFile().map(file -> {
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException("no configuration file " + file);
      }
      return ConfigFactory.parseFile(file.toFile());
    }).orElse(ConfigFactory.empty());
    Config defaults = ConfigFactory.parseResources(KernelSettings.class, "pekko.conf").withFallback(ConfigFactory.load());
    Path dataDir = Path.of(flags.withFallback(fromFile).withFallback(defaults).getString("solo.data"));
    Config inData = ConfigFactory.parseFile(dataDir.resolve("solo.conf").toFile());
    Config config = flags.withFallback(fromFile).withFallback(inData).withFallback(defaults).resolve();
    Config solo = config.getConfig("solo");
    int port = solo.getInt("port");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("solo.port must be between 0 and 65535, got " + port);
    }
    Config limits = solo.getConfig("limits");
    return new KernelSettings(
        config,
        dataDir,
        solo.getString("bind"),
        port,
        solo.getInt("metrics-port"),
        solo.getDuration("shutdown.drain-timeout"),
        solo.getDuration("boot.timeout"),
        solo.getDuration("client-certificate-lifetime"),
        new TenantRuntime.Limits(
            positive(limits, "max-services"),
            positive(limits, "queue-per-service"),
            (int) Math.min(Integer.MAX_VALUE, limits.getBytes("max-snapshot-bytes")),
            limits.getDuration("call-timeout")));
  }

  private static int positive(Config config, String key) {
    int value = config.getInt(key);
    if (value <= 0) {
      throw new IllegalArgumentException("solo.limits." + key + " must be positive, got " + value);
    }
    return value;
  }
}
