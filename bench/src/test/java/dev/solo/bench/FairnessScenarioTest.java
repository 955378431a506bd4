package dev.solo.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The fairness benchmark at a tiny size: it runs end to end and reports every figure. */
class FairnessScenarioTest {

  @Test
  void tinyRunReportsEveryFigure() throws Exception {
    ByteArrayOutputStream text = new ByteArrayOutputStream();

    Map<String, Object> figures = new FairnessScenario(FairnessScenario.Size.tiny())
        .run(new PrintStream(text, true, StandardCharsets.UTF_8));

    String printed = text.toString(StandardCharsets.UTF_8);
    assertTrue(printed.contains("quiet success ratio") && printed.contains("noisy shed ratio"), printed);
    for (String figure : new String[] {"quiet_success_ratio", "quiet_p99_ratio", "noisy_shed_ratio", "quiet_offered_per_s",
        "noisy_offered_per_s", "quiet_p99_alone_ms", "quiet_p99_noise_ms"}) {
      assertTrue(figures.containsKey(figure), figure + " in " + figures);
    }
    assertEquals(1.0, (double) figures.get("quiet_success_ratio"), 0.0, "every quiet call succeeds at this size: " + printed);
    assertTrue((double) figures.get("noisy_offered_per_s") > 0, "the noisy tenant called: " + printed);
    double shed = (double) figures.get("noisy_shed_ratio");
    assertTrue(shed >= 0 && shed <= 1, "a ratio: " + shed);
  }
}
