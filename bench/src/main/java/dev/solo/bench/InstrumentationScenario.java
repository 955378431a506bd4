package dev.solo.bench;

import dev.solo.api.Context;
import dev.solo.api.Kv;
import dev.solo.api.Log;
import dev.solo.api.Reply;
import dev.solo.api.Request;
import dev.solo.api.Service;
import dev.solo.deploy.ArtifactStore;
import dev.solo.deploy.DeployLimits;
import dev.solo.deploy.DeployPipeline;
import dev.solo.deploy.DeployResult;
import dev.solo.deploy.InMemoryCompiler;
import dev.solo.hardening.budget.BudgetLimits;
import dev.solo.hardening.budget.Meter;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The cost of budget instrumentation: a compute-heavy service (a sort and a hash loop) deployed
 * through the real pipeline, beside the same source compiled by plain javac and loaded without
 * instrumentation. Both run on a tenant thread, interleaved, in the same JVM.
 */
final class InstrumentationScenario implements Bench.Scenario {
  private static final int WARMUP_CALLS = 40;
  private static final int ROUNDS = 15;
  private static final int CALLS_PER_ROUND = 5;
  /** Large enough that the benchmark itself never trips a budget. */
  static final BudgetLimits GENEROUS =
      new BudgetLimits(Duration.ofMinutes(5), Duration.ofMinutes(5), Long.MAX_VALUE / 4, 1L << 30, 10_000);

  @Override
  public Map<String, Object> run(PrintStream out) throws Exception {
    String source;
    try (InputStream in = InstrumentationScenario.class.getResourceAsStream("Crunch.java")) {
      source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Map<String, String> files = Map.of("Crunch.java", source);
    Path store = Files.createTempDirectory("solo-bench");
    try (DeployPipeline pipeline = new DeployPipeline(new ArtifactStore(store), DeployLimits.defaults())) {
      return run(out, files, pipeline);
    }
  }

  private Map<String, Object> run(PrintStream out, Map<String, String> files, DeployPipeline pipeline) throws Exception {
    DeployResult result = pipeline.deploy("bench", files);
    if (!(result instanceof DeployResult.Accepted accepted)) {
      throw new IllegalStateException("the benchmark service was refused: " + result);
    }
    Map<String, byte[]> plainClasses = new InMemoryCompiler(Duration.ofSeconds(60)).compileOrThrow(files);

    CompletableFuture<double[]> timings = new CompletableFuture<>();
    Thread thread = Meter.newTenantThread(() -> {
      try {
        Service instrumented;
        try (Meter meter = Meter.start(GENEROUS)) {
          instrumented = pipeline.load("bench", 1, accepted.artifact().hash()).newInstance();
        }
        Service plain = (Service) new PlainLoader(plainClasses).loadClass("Crunch").getConstructor().newInstance();
        timings.complete(measure(instrumented, plain));
      } catch (Throwable t) {
        timings.completeExceptionally(t);
      }
    }, "bench-tenant-code", 1 << 20);
    thread.start();
    double[] nanosPerCall = timings.get();
    double instrumentedOps = 1e9 / nanosPerCall[0];
    double plainOps = 1e9 / nanosPerCall[1];
    double ratio = instrumentedOps / plainOps;
    out.printf("instrumented: %.1f calls/s; uninstrumented (baseline, same source, plain javac): %.1f calls/s;"
        + " speed ratio %.2f (target >= 0.5)%n", instrumentedOps, plainOps, ratio);
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("instrumentation_speed_ratio", round(ratio));
    figures.put("instrumented_calls_per_s", round(instrumentedOps));
    figures.put("uninstrumented_calls_per_s", round(plainOps));
    return figures;
  }

  /** {@return the median nanoseconds per call of each service, measured in alternating rounds} */
  private static double[] measure(Service instrumented, Service plain) throws Exception {
    Context context = new BenchContext();
    Request request = Request.of("crunch", "");
    String expected = call(plain, request, context);
    if (!expected.equals(call(instrumented, request, context))) {
      throw new IllegalStateException("instrumented and plain code disagree");
    }
    for (int i = 0; i < WARMUP_CALLS; i++) {
      call(instrumented, request, context);
      call(plain, request, context);
    }
    double[] instrumentedRounds = new double[ROUNDS];
    double[] plainRounds = new double[ROUNDS];
    for (int round = 0; round < ROUNDS; round++) {
      instrumentedRounds[round] = timeRound(instrumented, request, context);
      plainRounds[round] = timeRound(plain, request, context);
    }
    return new double[] {median(instrumentedRounds), median(plainRounds)};
  }

  private static double timeRound(Service service, Request request, Context context) throws Exception {
    long start = System.nanoTime();
    for (int i = 0; i < CALLS_PER_ROUND; i++) {
      call(service, request, context);
    }
    return (System.nanoTime() - start) / (double) CALLS_PER_ROUND;
  }

  private static String call(Service service, Request request, Context context) throws Exception {
    try (Meter meter = Meter.start(GENEROUS)) {
      return service.handle(request, context).text();
    }
  }

  private static double median(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    return sorted[sorted.length / 2];
  }

  private static double round(double value) {
    return Math.round(value * 100) / 100.0;
  }

  /** Loads javac's output as it is: the uninstrumented baseline. */
  static final class PlainLoader extends ClassLoader {
    private final Map<String, byte[]> classes;

    PlainLoader(Map<String, byte[]> classes) {
      super("bench-plain", Service.class.getClassLoader());
      this.classes = classes;
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
      byte[] bytes = classes.get(name);
      if (bytes == null) {
        throw new ClassNotFoundException(name);
      }
      return defineClass(name, bytes, 0, bytes.length);
    }
  }

  /** The benchmark services need nothing from their context. */
  static final class BenchContext implements Context {
    @Override public String tenant() { return "bench"; }
    @Override public String service() { return "crunch"; }
    @Override public String version() { return "1"; }
    @Override public Kv kv() { throw new UnsupportedOperationException(); }
    @Override public Reply call(String service, Request request) { throw new UnsupportedOperationException(); }
    @Override public void publish(String topic, byte[] payload) { throw new UnsupportedOperationException(); }
    @Override public void schedule(Duration delay, Request request) { throw new UnsupportedOperationException(); }
    @Override public void emit(String type, Map<String, String> attributes) { throw new UnsupportedOperationException(); }
    @Override public Log log() { throw new UnsupportedOperationException(); }
    @Override public long now() { return System.currentTimeMillis(); }
    @Override public Optional<String> secret(String name) { return Optional.empty(); }
  }
}
