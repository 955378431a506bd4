package dev.solo.kernel;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValueFactory;
import dev.solo.gateway.LoadShedder;
import dev.solo.hardening.budget.BudgetLimits;
import dev.solo.tenant.CircuitBreaker;
import dev.solo.tenant.RestartBackoff;
import dev.solo.tenant.TenantRuntime;
import dev.solo.tenant.TenantThreads;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

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
    TenantRuntime.Limits limits,
    Map<String, TenantRuntime.Limits> tenantLimits,
    TenantThreads.Settings tenantThreads,
    LoadShedder.Settings shedding,
    String metricsBind) {

  private static final Set<String> LIMIT_KEYS = Set.of("max-services", "max-inflight", "queue-per-service", "max-snapshot-bytes",
      "kv", "call-timeout", "breaker-failures", "breaker-window", "breaker-open", "max-restarts", "restart-window",
      "restart-backoff-min", "restart-backoff-max", "versions-kept", "cpu", "wall", "memory", "max-array", "max-depth");

  private static final Set<String> SHEDDING_KEYS = Set.of("running", "high-water", "lease");

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
    // global-inflight is server-wide: it is not a limit of each tenant, and no tenant may set it.
    Config limitsConfig = solo.getConfig("limits").withoutPath("global-inflight");
    TenantRuntime.Limits limits = limits(limitsConfig, "solo.limits");
    Map<String, TenantRuntime.Limits> tenantLimits = new HashMap<>();
    Config perTenant = solo.getConfig("tenant-limits");
    for (String tenant : perTenant.root().keySet()) {
      String path = "solo.tenant-limits." + tenant;
      tenantLimits.put(tenant, limits(perTenant.getConfig(ConfigUtil.quoteString(tenant)).withFallback(limitsConfig), path));
    }
    Config threads = solo.getConfig("tenant-code");
    return new KernelSettings(
        config,
        dataDir,
        solo.getString("bind"),
        port,
        solo.getInt("metrics-port"),
        solo.getDuration("shutdown.drain-timeout"),
        solo.getDuration("boot.timeout"),
        solo.getDuration("client-certificate-lifetime"),
        limits,
        tenantLimits,
        new TenantThreads.Settings(threads.getInt("threads"), threads.getBytes("stack-size"),
            threads.getDuration("grace"), threads.getInt("max-abandoned")),
        shedding(solo),
        solo.getString("metrics-bind"));
  }

  /** {@code solo.limits.global-inflight} and {@code solo.load-shedding}; running 0 means one per core, at least 2. */
  private static LoadShedder.Settings shedding(Config solo) {
    Config shedding = solo.getConfig("load-shedding");
    for (String key : shedding.root().keySet()) {
      if (!SHEDDING_KEYS.contains(key)) {
        throw new IllegalArgumentException("unknown setting solo.load-shedding." + key + "; valid: " + new TreeSet<>(SHEDDING_KEYS));
      }
    }
    int running = shedding.getInt("running");
    if (running < 0) {
      throw new IllegalArgumentException("solo.load-shedding.running must be 0 (one per core) or positive, got " + running);
    }
    double highWater = shedding.getDouble("high-water");
    if (!(highWater > 0 && highWater <= 1)) {
      throw new IllegalArgumentException("solo.load-shedding.high-water must be above 0 and at most 1, got " + highWater);
    }
    Duration lease = shedding.getDuration("lease");
    if (lease.isNegative() || lease.isZero()) {
      throw new IllegalArgumentException("solo.load-shedding.lease must be positive, got " + lease);
    }
    return new LoadShedder.Settings(positive(solo.getConfig("limits"), "solo.limits", "global-inflight"),
        running == 0 ? Math.max(2, Runtime.getRuntime().availableProcessors()) : running, highWater, lease);
  }

  private static TenantRuntime.Limits limits(Config config, String path) {
    for (String key : config.root().keySet()) {
      if (!LIMIT_KEYS.contains(key)) {
        throw new IllegalArgumentException("unknown setting " + path + "." + key + "; valid: " + new TreeSet<>(LIMIT_KEYS));
      }
    }
    return new TenantRuntime.Limits(
        positive(config, path, "max-services"),
        positive(config, path, "max-inflight"),
        positive(config, path, "queue-per-service"),
        (int) Math.min(Integer.MAX_VALUE, config.getBytes("max-snapshot-bytes")),
        config.getBytes("kv"),
        config.getDuration("call-timeout"),
        new BudgetLimits(config.getDuration("cpu"), config.getDuration("wall"), config.getBytes("memory"),
            config.getBytes("max-array"), positive(config, path, "max-depth")),
        new CircuitBreaker.Settings(positive(config, path, "breaker-failures"), config.getDuration("breaker-window"),
            config.getDuration("breaker-open")),
        new RestartBackoff.Settings(config.getInt("max-restarts"), config.getDuration("restart-window"),
            config.getDuration("restart-backoff-min"), config.getDuration("restart-backoff-max")),
        positive(config, path, "versions-kept"));
  }

  private static int positive(Config config, String path, String key) {
    int value = config.getInt(key);
    if (value <= 0) {
      throw new IllegalArgumentException(path + "." + key + " must be positive, got " + value);
    }
    return value;
  }
}
