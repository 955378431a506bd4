package dev.solo.hardening;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class FindingTest {

  @Test
  void printsAsFileLineColumnRuleAndMessage() {
    Finding finding = Finding.of("SBX-MONITOR", "Counter.java", 12, 5, "synchronized is not allowed: it locks");

    assertEquals("Counter.java:12:5: SBX-MONITOR: synchronized is not allowed: it locks", finding.toString());
  }

  @Test
  void findingAboutTheWholeSubmissionPrintsRuleAndMessage() {
    assertEquals("SRC-FILES: no source files were submitted",
        Finding.of("SRC-FILES", "no source files were submitted").toString());
  }

  @Test
  void refusesNegativePositions() {
    assertThrows(IllegalArgumentException.class, () -> Finding.of("X", "A.java", -1, 0, "m"));
  }
}
