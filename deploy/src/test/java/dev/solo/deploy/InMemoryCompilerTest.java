package dev.solo.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The in-process javac that benchmarks use as their baseline. */
class InMemoryCompilerTest {
  private final InMemoryCompiler compiler = new InMemoryCompiler(Duration.ofSeconds(30));

  @Test
  void compilesAnExampleInThisJvm() throws Exception {
    assertEquals(Set.of("Counter"), compiler.compileOrThrow(Submission.example("counter")).keySet());
  }

  @Test
  void codeThatDoesNotCompileThrowsWithItsFindings() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> compiler.compileOrThrow(
        Submission.file("Bad.java", "public class Bad { int x = \"text\"; }")));

    assertEquals("the sources do not compile: [Bad.java:1:28: COMPILE: incompatible types:"
        + " java.lang.String cannot be converted to int]", e.getMessage());
  }
}
