package dev.solo.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class FindingTest {

  @Test
  void printsLikeACompiler() {
    Finding f = Finding.of("no-reflection", "Counter.java", 12, 5, "java.lang.reflect is not allowed");
    assertEquals("Counter.java:12:5: no-reflection: java.lang.reflect is not allowed", f.toString());
  }
}
