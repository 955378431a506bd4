package dev.solo.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each benchmark at a tiny size: it runs end to end and reports its figures beside its baseline. */
class ScenarioSmokeTest {

  private record Run(Map<String, Object> figures, String printed) {}

  private static Run run(Bench.Scenario scenario) throws Exception {
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    Map<String, Object> figures = scenario.run(new PrintStream(text, true, StandardCharsets.UTF_8));
    return new Run(figures, text.toString(StandardCharsets.UTF_8));
  }

  private static void assertFigures(Run run, List<String> names) {
    for (String name : names) {
      assertTrue(run.figures().containsKey(name), name + " in " + run.figures() + "\n" + run.printed());
      double value = ((Number) run.figures().get(name)).doubleValue();
      assertTrue(Double.isFinite(value) && value >= 0, name + " is a measured figure: " + value + "\n" + run.printed());
    }
  }

  @Test
  void callRunsAgainstSoloAndTheBareServer() throws Exception {
    Run run = run(new CallScenario(CallScenario.Size.tiny()));
    assertFigures(run, List.of("call_throughput_ratio", "call_p50_ratio", "call_p99_ratio"));
    assertTrue(run.printed().contains("bare grpc-java echo (baseline)"), run.printed());
    assertEquals(0L, run.figures().get("call_4_failed"), "no call failed: " + run.printed());
  }

  @Test
  void deployTimesTheRpcAndTheCompile() throws Exception {
    Run run = run(new DeployScenario(DeployScenario.Size.tiny()));
    assertFigures(run, List.of("deploy_p50_ms", "deploy_p99_ms", "deploy_p50_ratio"));
    assertTrue(run.printed().contains("in-memory javac"), run.printed());
  }

  @Test
  void appendComparesTheStoreWithRawLeveldb() throws Exception {
    Run run = run(new AppendScenario(AppendScenario.Size.tiny()));
    assertFigures(run, List.of("append_events_per_s", "append_ratio"));
    assertTrue((double) run.figures().get("append_events_per_s") > 0, run.printed());
  }

  @Test
  void swapUnderLoadLosesNoCall() throws Exception {
    Run run = run(new SwapScenario(SwapScenario.Size.tiny()));
    assertFigures(run, List.of("swap_pause_p50_ms", "swap_pause_p99_ms"));
    assertEquals(0, run.figures().get("swap_failed_calls"), "no call failed during the swaps: " + run.printed());
  }

  @Test
  void densityMeasuresMemoryAndRecovery() throws Exception {
    Run run = run(new DensityScenario(DensityScenario.Size.tiny()));
    assertFigures(run, List.of("density_bytes_per_service", "recovery_10k_s"));
    assertTrue(run.printed().contains("every one of 4 services answered"), run.printed());
  }
}
