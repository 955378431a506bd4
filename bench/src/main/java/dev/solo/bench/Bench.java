package dev.solo.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code solo bench [SCENARIO...] [--json]}: runs the named scenarios (all by default), prints
 * each figure beside its baseline, and with {@code --json} ends with one JSON object holding
 * every figure plus the JDK, the core count and the date.
 */
public final class Bench {
  private static final Map<String, Scenario> SCENARIOS = Map.of(
      "instrumentation", new InstrumentationScenario(),
      "call", new CallScenario(CallScenario.Size.full()),
      "deploy", new DeployScenario(DeployScenario.Size.full()),
      "append", new AppendScenario(AppendScenario.Size.full()),
      "swap", new SwapScenario(SwapScenario.Size.full()),
      "density", new DensityScenario(DensityScenario.Size.full()),
      "fairness", new FairnessScenario(FairnessScenario.Size.full()));

  private Bench() {}

  /** One benchmark: it measures a figure and its baseline in the same run. */
  interface Scenario {
    /** Runs, prints its figures in words to {@code out}, and returns them by JSON name. */
    Map<String, Object> run(PrintStream out) throws Exception;
  }

  /** Runs the benchmarks named on the command line. */
  public static void main(String[] args) throws Exception {
    // As the server does (cli Main): the append scenario runs the event store in this JVM.
    dev.solo.kernel.CommonPool.ensureParallelism();
    boolean json = false;
    List<String> names = new ArrayList<>();
    for (String arg : args) {
      if (arg.equals("--json")) {
        json = true;
      } else if (SCENARIOS.containsKey(arg)) {
        names.add(arg);
      } else {
        System.err.println("solo bench: no scenario " + arg + "; valid: " + new java.util.TreeSet<>(SCENARIOS.keySet()) + " [--json]");
        System.exit(2);
      }
    }
    if (names.isEmpty()) {
      names.addAll(new java.util.TreeSet<>(SCENARIOS.keySet()));
    }
    Map<String, Object> figures = new LinkedHashMap<>();
    for (String name : names) {
      System.out.println("== " + name);
      figures.putAll(SCENARIOS.get(name).run(System.out));
    }
    figures.put("jdk", Runtime.version().toString());
    figures.put("cores", Runtime.getRuntime().availableProcessors());
    figures.put("date", Instant.now().toString());
    if (json) {
      System.out.println(new ObjectMapper().writeValueAsString(figures));
    }
  }
}
