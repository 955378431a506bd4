package dev.solo.bench;

import dev.solo.client.Event;
import dev.solo.client.EventQuery;
import dev.solo.client.EventStream;
import dev.solo.client.SoloClient;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Hot swaps of {@code examples/counter} on a real server in a child JVM while closed-loop callers
 * keep incrementing it: every call must succeed and no increment may be lost. The pause is how
 * long the service actor stashed calls (snapshot, restore, switch), from the {@code pause_ms}
 * attribute of each {@code hot_swap_succeeded} event; beside it, the callers' p50 latency
 * without swaps, measured first in the same run.
 */
final class SwapScenario implements Bench.Scenario {
  private static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);

  private final Size size;

  /**
   * How hard the scenario runs.
   *
   * @param callers concurrent closed-loop callers
   * @param swaps hot swaps, one after another
   * @param quiet how long the callers run alone first, for the baseline
   */
  record Size(int callers, int swaps, Duration quiet) {
    /** The full run: under a minute. */
    static Size full() {
      return new Size(4, 50, Duration.ofSeconds(5));
    }

    /** A smoke run. */
    static Size tiny() {
      return new Size(2, 2, Duration.ofMillis(300));
    }
  }

  SwapScenario(Size size) {
    this.size = size;
  }

  @Override
  public Map<String, Object> run(PrintStream out) throws Exception {
    String counter = BenchSources.read("counter/Counter.java");
    try (ChildServer server = ChildServer.start("", List.of("-Xmx1g"));
        SoloClient admin = SoloClient.connect(server.admin());
        SoloClient client = SoloClient.connect(admin.createTenant("bench")).withTimeout(CALL_TIMEOUT)) {
      try {
        client.deploy("counter", Map.of("Counter.java", counter), List.of(), "swap benchmark");
        return measure(out, client, counter);
      } catch (RuntimeException | Error e) {
        throw new IllegalStateException("the swap benchmark failed; the server's log is " + server.log(), e);
      }
    }
  }

  private Map<String, Object> measure(PrintStream out, SoloClient client, String counter) throws Exception {
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicBoolean timing = new AtomicBoolean(true);
    LongAdder succeeded = new LongAdder();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<Long> quietNanos = new ConcurrentLinkedQueue<>();
    List<Thread> callers = new ArrayList<>();
    for (int i = 0; i < size.callers(); i++) {
      Thread caller = new Thread(() -> call(client, running, timing, succeeded, failures, quietNanos), "bench-swap-caller-" + i);
      caller.setDaemon(true);
      caller.start();
      callers.add(caller);
    }
    Thread.sleep(size.quiet().toMillis());
    timing.set(false);
    long swapStart = System.nanoTime();
    for (int i = 1; i <= size.swaps(); i++) {
      client.swap("counter", Map.of("Counter.java", counter + "\n// swap " + i + "\n"), Duration.ZERO, "swap benchmark");
    }
    double swapSeconds = (System.nanoTime() - swapStart) / 1e9;
    running.set(false);
    for (Thread caller : callers) {
      caller.join(CALL_TIMEOUT.toMillis() * 2);
    }
    long total = succeeded.sum();
    long stored = Long.parseLong(client.call("counter", "get", new byte[0]).text());
    if (stored != total) {
      failures.add("increments lost: " + total + " succeeded, the counter holds " + stored);
    }
    List<Double> pauses = new ArrayList<>();
    try (EventStream events = client.events(EventQuery.of().withTypes(List.of("hot_swap_succeeded")))) {
      events.forEachRemaining(event -> pauses.add(Double.parseDouble(event.attributes().get("pause_ms"))));
    }
    Latencies pause = Latencies.ofMillis(pauses);
    long[] quiet = quietNanos.stream().mapToLong(Long::longValue).toArray();
    Latencies baseline = Latencies.ofNanos(quiet, quiet.length);
    out.printf("%d swaps in %.1f s under %d closed-loop callers: %d calls succeeded, %d failed%s%n", size.swaps(), swapSeconds,
        size.callers(), total, failures.size(), failures.isEmpty() ? "" : " (first: " + failures.peek() + ")");
    out.printf("stash pause (from %d hot_swap_succeeded events): p50 %.2f ms, p99 %.2f ms (target <= 50)%n",
        pause.count(), pause.millis(0.50), pause.millis(0.99));
    out.printf("one call without swaps (baseline): p50 %.2f ms, p99 %.2f ms; pause p50 / call p50 %.1f%n",
        baseline.millis(0.50), baseline.millis(0.99), pause.millis(0.50) / baseline.millis(0.50));
    if (pause.count() != size.swaps()) {
      throw new IllegalStateException(pause.count() + " hot_swap_succeeded events for " + size.swaps() + " swaps");
    }
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("swap_failed_calls", failures.size());
    figures.put("swap_pause_p50_ms", Latencies.round(pause.millis(0.50), 2));
    figures.put("swap_pause_p99_ms", Latencies.round(pause.millis(0.99), 2));
    figures.put("swap_calls", total);
    figures.put("swap_call_p50_ms", Latencies.round(baseline.millis(0.50), 2));
    return figures;
  }

  private static void call(SoloClient client, AtomicBoolean running, AtomicBoolean timing, LongAdder succeeded,
      ConcurrentLinkedQueue<String> failures, ConcurrentLinkedQueue<Long> quietNanos) {
    while (running.get()) {
      long start = System.nanoTime();
      try {
        var result = client.call("counter", "increment", new byte[0]);
        if (result.ok()) {
          succeeded.increment();
        } else {
          failures.add("status " + result.status() + ": " + result.text());
        }
      } catch (RuntimeException e) {
        failures.add(e.toString());
      }
      if (timing.get()) {
        quietNanos.add(System.nanoTime() - start);
      }
    }
  }
}
