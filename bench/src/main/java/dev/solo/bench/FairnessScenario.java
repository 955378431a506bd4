package dev.solo.bench;

import dev.solo.api.Context;
import dev.solo.api.Request;
import dev.solo.api.Service;
import dev.solo.client.CallResult;
import dev.solo.client.Credentials;
import dev.solo.client.SoloClient;
import dev.solo.client.SoloException;
import dev.solo.deploy.ArtifactStore;
import dev.solo.deploy.DeployLimits;
import dev.solo.deploy.DeployPipeline;
import dev.solo.deploy.DeployResult;
import dev.solo.hardening.budget.Meter;
import io.grpc.Status;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Fair load shedding on a real server in a child JVM: a quiet tenant calls its service at a
 * modest, fixed rate (open loop: each call is timed from when it was due, so a slow server cannot
 * hide its delay by slowing the caller), first alone and then while a noisy tenant floods copies
 * of the same service with more closed-loop callers than its in-flight limit, callers that never
 * back off. A service runs one call at a time, so the copies let the flood keep every core busy:
 * CPU, not the in-flight limits, is what runs out first on a small machine. Every service does
 * the same CPU work per call, about 1 ms (calibrated at the start, in this JVM). The figures: the
 * share of the quiet tenant's calls that succeed under noise, its p99 latency under noise over its
 * p99 alone (the baseline, measured in the same run), and the share of the noisy tenant's calls
 * that were shed.
 */
final class FairnessScenario implements Bench.Scenario {
  private static final String SERVICE = "work";
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration TARGET_WORK = Duration.ofMillis(1);

  private final Size size;

  /**
   * How long and how hard the scenario runs.
   *
   * @param warmup mixed load before anything is measured, so the JIT has compiled the call path
   * @param phase how long the quiet tenant is measured alone, and as long with noise
   * @param blocks how many alternating blocks each phase is cut into (alone, with noise, alone,
   *     ...), so that whatever else the machine does weighs on both phases alike
   * @param quietRate the quiet tenant's calls per second
   * @param noisyCallers the noisy tenant's concurrent closed-loop callers
   * @param noisyServices how many copies of the service the noisy tenant floods, round robin: a
   *     service runs one call at a time, so copies let one tenant keep every core busy
   */
  record Size(Duration warmup, Duration phase, int blocks, int quietRate, int noisyCallers, int noisyServices) {
    /**
     * The full run: about two and a half minutes. 2,500 quiet calls in each phase: a p99 from
     * 1,250 (25 s) moved by a third between runs on an idle machine, in both phases.
     */
    static Size full() {
      return new Size(Duration.ofSeconds(10), Duration.ofSeconds(50), 10, 50, 128, 4);
    }

    /** A smoke run of a few seconds: checks that the scenario works, measures nothing useful. */
    static Size tiny() {
      return new Size(Duration.ofSeconds(1), Duration.ofSeconds(2), 1, 20, 4, 2);
    }
  }

  FairnessScenario(Size size) {
    this.size = size;
  }

  @Override
  public Map<String, Object> run(PrintStream out) throws Exception {
    String source;
    try (InputStream in = FairnessScenario.class.getResourceAsStream("Work.java")) {
      source = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    long rounds = calibrate(source);
    // A fixed heap, as a server is run in production: left to size itself, G1 kept this server's
    // heap near 70 MB and paused for a young collection about once a second under the flood.
    try (ChildServer server = ChildServer.start("", List.of("-Xms1g", "-Xmx1g"));
        SoloClient admin = SoloClient.connect(server.admin())) {
      Credentials quietCreds = admin.createTenant("quiet");
      Credentials noisyCreds = admin.createTenant("noisy");
      try (SoloClient quiet = SoloClient.connect(quietCreds).withTimeout(CALL_TIMEOUT);
          SoloClient noisy = SoloClient.connect(noisyCreds).withTimeout(CALL_TIMEOUT)) {
        quiet.deploy(SERVICE, Map.of("Work.java", source), List.of(), "fairness benchmark");
        for (int i = 0; i < size.noisyServices(); i++) {
          noisy.deploy(SERVICE + i, Map.of("Work.java", source), List.of(), "fairness benchmark");
        }
        return measure(out, rounds, quiet, noisy);
      } catch (RuntimeException | Error e) {
        throw new IllegalStateException("the fairness benchmark failed; the server's log is " + server.log(), e);
      }
    }
  }

  private Map<String, Object> measure(PrintStream out, long rounds, SoloClient quiet, SoloClient noisy) throws Exception {
    String body = Long.toString(rounds);
    out.printf("work per call: %d hash rounds (about %d ms of CPU, calibrated)%n", rounds, TARGET_WORK.toMillis());
    ExecutorService pool = Executors.newFixedThreadPool(32, daemon("bench-quiet"));
    try {
      // Warm up both tenants' call paths together, then let the server settle.
      try (Flood flood = new Flood(noisy, body, size.noisyCallers(), size.noisyServices())) {
        openLoop(quiet, body, size.quietRate(), size.warmup(), pool);
      }
      Duration block = size.phase().dividedBy(size.blocks());
      List<Sample> alone = new ArrayList<>();
      List<Sample> withNoise = new ArrayList<>();
      long noisyCalls = 0;
      long noisyShed = 0;
      long noisyOther = 0;
      for (int i = 0; i < size.blocks(); i++) {
        alone.addAll(openLoop(quiet, body, size.quietRate(), block, pool).samples());
        try (Flood flood = new Flood(noisy, body, size.noisyCallers(), size.noisyServices())) {
          flood.awaitCalls(2L * size.noisyCallers());
          long[] before = flood.counts();
          withNoise.addAll(openLoop(quiet, body, size.quietRate(), block, pool).samples());
          long[] after = flood.counts();
          noisyCalls += after[0] - before[0];
          noisyShed += after[1] - before[1];
          noisyOther += after[2] - before[2];
        }
      }
      return report(out, rounds, new Samples(alone), new Samples(withNoise), noisyCalls, noisyShed, noisyOther);
    } finally {
      pool.shutdownNow();
    }
  }

  private Map<String, Object> report(PrintStream out, long rounds, Samples alone, Samples withNoise, long noisyCalls,
      long noisyShed, long noisyOther) {
    double seconds = size.phase().toMillis() / 1000.0;
    double noisyOffered = noisyCalls / seconds;
    double quietSuccess = withNoise.successRatio();
    double p99Ratio = withNoise.p99Millis() / alone.p99Millis();
    double shedRatio = noisyCalls == 0 ? 0 : noisyShed / (double) noisyCalls;
    out.printf("quiet alone (baseline): %d calls at %d/s, p50 %.2f ms, p99 %.2f ms, success %.4f%n",
        alone.count(), size.quietRate(), alone.percentileMillis(0.50), alone.p99Millis(), alone.successRatio());
    out.printf("quiet with noise: %d calls at %d/s, p50 %.2f ms, p99 %.2f ms, success %.4f%s%n",
        withNoise.count(), size.quietRate(), withNoise.percentileMillis(0.50), withNoise.p99Millis(), quietSuccess,
        withNoise.failures().isEmpty() ? "" : " (failures: " + withNoise.failures() + ")");
    out.printf("noise: %d closed-loop callers over %d copies of the service offering %.0f calls/s (%.1fx the quiet load): %.0f/s served, %.0f/s shed,"
        + " %d other errors%n", size.noisyCallers(), size.noisyServices(), noisyOffered, noisyOffered / size.quietRate(),
        (noisyCalls - noisyShed - noisyOther) / seconds, noisyShed / seconds, noisyOther);
    out.printf("quiet success ratio %.4f (target >= 0.999); quiet p99 with noise / alone %.2f (target <= 3);"
        + " noisy shed ratio %.3f%n", quietSuccess, p99Ratio, shedRatio);
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("quiet_success_ratio", round(quietSuccess, 4));
    figures.put("quiet_p99_ratio", round(p99Ratio, 2));
    figures.put("noisy_shed_ratio", round(shedRatio, 3));
    figures.put("quiet_p99_alone_ms", round(alone.p99Millis(), 2));
    figures.put("quiet_p99_noise_ms", round(withNoise.p99Millis(), 2));
    figures.put("quiet_offered_per_s", size.quietRate());
    figures.put("noisy_offered_per_s", round(noisyOffered, 0));
    figures.put("noisy_callers", size.noisyCallers());
    figures.put("noisy_services", size.noisyServices());
    figures.put("work_rounds", rounds);
    return figures;
  }

  /**
   * {@return the hash rounds that cost about {@link #TARGET_WORK} of CPU on this machine}: the
   * service is deployed through the real pipeline (instrumented, as on the server) and timed in
   * this JVM on a tenant thread, without the noise of calls over the network.
   */
  private static long calibrate(String source) throws Exception {
    Path store = Files.createTempDirectory("solo-bench-calibrate");
    try (DeployPipeline pipeline = new DeployPipeline(new ArtifactStore(store), DeployLimits.defaults())) {
      DeployResult result = pipeline.deploy("bench", Map.of("Work.java", source));
      if (!(result instanceof DeployResult.Accepted accepted)) {
        throw new IllegalStateException("the benchmark service was refused: " + result);
      }
      CompletableFuture<Long> rounds = new CompletableFuture<>();
      Thread thread = Meter.newTenantThread(() -> {
        try {
          Service work;
          try (Meter meter = Meter.start(InstrumentationScenario.GENEROUS)) {
            work = pipeline.load("bench", 1, accepted.artifact().hash()).newInstance();
          }
          rounds.complete(roundsFor(work));
        } catch (Throwable t) {
          rounds.completeExceptionally(t);
        }
      }, "bench-calibrate", 1 << 20);
      thread.start();
      return rounds.get(5, TimeUnit.MINUTES);
    } finally {
      try (var files = Files.walk(store)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
      }
    }
  }

  private static long roundsFor(Service work) throws Exception {
    long probe = 1_000_000;
    Request request = Request.of("work", Long.toString(probe));
    Context context = new InstrumentationScenario.BenchContext();
    long[] nanos = new long[200];
    for (int i = 0; i < nanos.length; i++) {
      try (Meter meter = Meter.start(InstrumentationScenario.GENEROUS)) {
        long start = System.nanoTime();
        work.handle(request, context);
        nanos[i] = System.nanoTime() - start;
      }
    }
    // The last half, after the JIT has compiled the loop.
    long[] warm = Arrays.copyOfRange(nanos, nanos.length / 2, nanos.length);
    Arrays.sort(warm);
    double nanosPerRound = warm[warm.length / 2] / (double) probe;
    return Math.max(1, Math.round(TARGET_WORK.toNanos() / nanosPerRound));
  }

  /** Calls at a fixed rate for a while, each call on a pool thread; waits for every call to end. */
  private static Samples openLoop(SoloClient client, String body, int rate, Duration length, ExecutorService pool)
      throws Exception {
    long interval = TimeUnit.SECONDS.toNanos(1) / rate;
    int count = (int) (length.toNanos() / interval);
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    List<CompletableFuture<Sample>> calls = new ArrayList<>(count);
    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(5);
    for (int i = 0; i < count; i++) {
      long due = start + i * interval;
      for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
        LockSupport.parkNanos(wait);
      }
      calls.add(CompletableFuture.supplyAsync(() -> callOnce(client, bytes, due), pool));
    }
    CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)).get(length.toMillis() + 60_000, TimeUnit.MILLISECONDS);
    return new Samples(calls.stream().map(CompletableFuture::join).toList());
  }

  private static Sample callOnce(SoloClient client, byte[] body, long due) {
    String failure = "";
    try {
      CallResult result = client.call(SERVICE, "work", body);
      if (!result.ok()) {
        failure = "status " + result.status();
      }
    } catch (SoloException e) {
      failure = e.code().name();
    }
    return new Sample(System.nanoTime() - due, failure);
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  private static double round(double value, int digits) {
    double scale = Math.pow(10, digits);
    return Math.round(value * scale) / scale;
  }

  /** One call of the quiet tenant: its latency from when it was due, and why it failed, if it did. */
  private record Sample(long nanos, String failure) {}

  /** The calls of one phase. */
  private record Samples(List<Sample> samples) {
    int count() {
      return samples.size();
    }

    double successRatio() {
      return samples.stream().filter(sample -> sample.failure().isEmpty()).count() / (double) samples.size();
    }

    double p99Millis() {
      return percentileMillis(0.99);
    }

    double percentileMillis(double quantile) {
      long[] nanos = samples.stream().mapToLong(Sample::nanos).sorted().toArray();
      int index = (int) Math.min(nanos.length - 1, Math.ceil(quantile * nanos.length) - 1);
      return nanos[Math.max(0, index)] / 1e6;
    }

    Map<String, Long> failures() {
      Map<String, Long> counts = new java.util.TreeMap<>();
      samples.stream().filter(sample -> !sample.failure().isEmpty())
          .forEach(sample -> counts.merge(sample.failure(), 1L, Long::sum));
      return counts;
    }
  }

  /** The noisy tenant: closed-loop callers that call again as soon as a call ends, shed or not. */
  private static final class Flood implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final LongAdder calls = new LongAdder();
    private final LongAdder shed = new LongAdder();
    private final LongAdder other = new LongAdder();
    private final List<Thread> threads = new ArrayList<>();

    Flood(SoloClient client, String body, int callers, int services) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      for (int i = 0; i < callers; i++) {
        String service = SERVICE + (i % services);
        Thread thread = new Thread(() -> loop(client, service, bytes), "bench-noisy-" + i);
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
      }
    }

    private void loop(SoloClient client, String service, byte[] body) {
      while (running.get()) {
        try {
          client.call(service, "work", body);
        } catch (SoloException e) {
          if (e.code() == Status.Code.RESOURCE_EXHAUSTED) {
            shed.increment();
          } else {
            other.increment();
          }
        }
        calls.increment();
      }
    }

    /** Waits until the flood has made {@code n} calls, so it is in full swing. */
    void awaitCalls(long n) throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while (calls.sum() < n) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("the noisy tenant made only " + calls.sum() + " calls in 30 s");
        }
        Thread.sleep(10);
      }
    }

    /** {@return calls, shed calls and other failures so far} */
    long[] counts() {
      return new long[] {calls.sum(), shed.sum(), other.sum()};
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      for (Thread thread : threads) {
        thread.join(TimeUnit.SECONDS.toMillis(30));
      }
    }
  }
}
