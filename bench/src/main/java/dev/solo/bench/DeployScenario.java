package dev.solo.bench;

import dev.solo.api.Service;
import dev.solo.client.CallResult;
import dev.solo.client.SoloClient;
import dev.solo.deploy.InMemoryCompiler;
import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Deploy RPC of {@code examples/counter} on a real server in a child JVM, timed from the
 * request until the new service answered its first call, beside the physical floor of the same
 * work: in-memory javac of the same source plus loading and instantiating its classes, in this
 * JVM. Both warm: the first rounds are discarded. Every round deploys under a new name, and
 * its source differs from every other round's by a comment, so that each deploy really compiles
 * (the server keeps the artifacts of sources it accepted before) and the baseline compiles the
 * same texts.
 */
final class DeployScenario implements Bench.Scenario {
  private final Size size;

  /**
   * How many rounds.
   *
   * @param warmup rounds run first and discarded
   * @param rounds measured rounds
   */
  record Size(int warmup, int rounds) {
    /**
     * The full run: about a minute. A hundred warm-up rounds, because after twenty the server's
     * JIT was still compiling about a second per second (JFR's {@code jdk.Compilation}) through
     * the measured rounds: not warm. The baseline gets the same rounds.
     */
    static Size full() {
      return new Size(100, 60);
    }

    /** A smoke run. */
    static Size tiny() {
      return new Size(1, 3);
    }
  }

  DeployScenario(Size size) {
    this.size = size;
  }

  @Override
  public Map<String, Object> run(PrintStream out) throws Exception {
    Map<String, String> files = Map.of("Counter.java", BenchSources.read("counter/Counter.java"));
    int services = size.warmup() + size.rounds();
    String config = "solo.limits.max-services = " + Math.max(100, services + 10) + "\n";
    Latencies solo;
    try (ChildServer server = ChildServer.start(config, List.of("-Xmx1g"));
        SoloClient admin = SoloClient.connect(server.admin());
        SoloClient client = SoloClient.connect(admin.createTenant("bench"))) {
      try {
        solo = timeDeploys(client, files);
      } catch (RuntimeException | Error e) {
        throw new IllegalStateException("the deploy benchmark failed; the server's log is " + server.log(), e);
      }
    }
    Latencies baseline = timeCompiles(files);
    double ratio = solo.millis(0.50) / baseline.millis(0.50);
    out.printf("deploy + first call (solo): p50 %.1f ms, p99 %.1f ms over %d rounds (%d warm-up rounds discarded)%n",
        solo.millis(0.50), solo.millis(0.99), solo.count(), size.warmup());
    out.printf("in-memory javac + class load + new instance (baseline): p50 %.1f ms, p99 %.1f ms%n",
        baseline.millis(0.50), baseline.millis(0.99));
    out.printf("deploy p50 %.1f ms (target <= 40), p50 ratio %.2f (target <= 2.0)%n", solo.millis(0.50), ratio);
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("deploy_p50_ms", Latencies.round(solo.millis(0.50), 1));
    figures.put("deploy_p99_ms", Latencies.round(solo.millis(0.99), 1));
    figures.put("deploy_p50_ratio", Latencies.round(ratio, 2));
    figures.put("deploy_baseline_p50_ms", Latencies.round(baseline.millis(0.50), 1));
    figures.put("deploy_baseline_p99_ms", Latencies.round(baseline.millis(0.99), 1));
    return figures;
  }

  /** {@return the sources of round {@code i}: distinct from every other round's} */
  private static Map<String, String> round(Map<String, String> files, int i) {
    return Map.of("Counter.java", files.get("Counter.java") + "\n// deploy benchmark round " + i + "\n");
  }

  private Latencies timeDeploys(SoloClient client, Map<String, String> files) {
    long[] nanos = new long[size.rounds()];
    for (int i = 0; i < size.warmup() + size.rounds(); i++) {
      String name = "counter" + i;
      long start = System.nanoTime();
      client.deploy(name, round(files, i), List.of(), "deploy benchmark");
      CallResult answer = client.call(name, "get", new byte[0]);
      long elapsed = System.nanoTime() - start;
      if (!answer.text().equals("0")) {
        throw new IllegalStateException(name + " answered " + answer.text() + " to get, not 0");
      }
      if (i >= size.warmup()) {
        nanos[i - size.warmup()] = elapsed;
      }
    }
    return Latencies.ofNanos(nanos, nanos.length);
  }

  private Latencies timeCompiles(Map<String, String> files) throws Exception {
    InMemoryCompiler javac = new InMemoryCompiler(Duration.ofSeconds(60));
    long[] nanos = new long[size.rounds()];
    for (int i = 0; i < size.warmup() + size.rounds(); i++) {
      long start = System.nanoTime();
      Map<String, byte[]> classes = javac.compileOrThrow(round(files, i));
      Object instance = new InstrumentationScenario.PlainLoader(classes).loadClass("Counter").getConstructor().newInstance();
      long elapsed = System.nanoTime() - start;
      if (!(instance instanceof Service)) {
        throw new IllegalStateException("the baseline's Counter is not a Service");
      }
      if (i >= size.warmup()) {
        nanos[i - size.warmup()] = elapsed;
      }
    }
    return Latencies.ofNanos(nanos, nanos.length);
  }
}
