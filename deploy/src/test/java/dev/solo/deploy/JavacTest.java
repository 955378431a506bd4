package dev.solo.deploy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.solo.hardening.Finding;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** javac with its context reused from compile to compile (the compile worker's), against javac afresh. */
class JavacTest {
  private static final Map<String, String> COUNTER = Submission.example("counter");

  private static Map<String, String> secretAndCounter() {
    Map<String, String> files = new HashMap<>(COUNTER);
    files.putAll(Submission.file("Secret.java", "final class Secret {", "  static int value() { return 42; }", "}"));
    return files;
  }

  private static final Map<String, String> USES_SECRET = Submission.file("Peek.java",
      "import dev.solo.api.*;",
      "public class Peek implements Service {",
      "  public Reply handle(Request request, Context ctx) { return Reply.ok(\"\" + Secret.value()); }",
      "}");

  @Test
  void aReusedContextCompilesWhatAFreshJavacCompilesToTheSameBytes() throws Exception {
    Javac reused = Javac.reusingContexts();
    assertTrue(reused.reusesContexts(), "this JVM exports " + Javac.TASK_POOL_PACKAGE + " (see the pom)");
    Javac fresh = new Javac();
    for (int round = 0; round < 3; round++) {
      Map<String, byte[]> expected = fresh.compile(COUNTER, () -> false).value();
      Map<String, byte[]> actual = reused.compile(COUNTER, () -> false).value();
      assertEquals(expected.keySet(), actual.keySet());
      for (String name : expected.keySet()) {
        assertArrayEquals(expected.get(name), actual.get(name), name + " in round " + round);
      }
    }
  }

  @Test
  void aCompileInAReusedContextSeesNoClassAnEarlierCompileDeclared() throws Exception {
    Javac javac = Javac.reusingContexts();
    assertEquals(Set.of("Counter", "Secret"), javac.compile(secretAndCounter(), () -> false).value().keySet());

    Outcome<Map<String, byte[]>> peek = javac.compile(USES_SECRET, () -> false);

    assertTrue(peek.isRefused(), "another tenant's class must not be visible");
    List<String> findings = peek.findings().stream().map(Finding::toString).toList();
    assertTrue(findings.stream().anyMatch(finding -> finding.contains("COMPILE: cannot find symbol")), findings.toString());
  }

  @Test
  void aReusedContextCompilesOnAfterARefusedCompile() throws Exception {
    Javac javac = Javac.reusingContexts();
    assertTrue(javac.compile(Submission.file("Broken.java", "public class Broken {", "  int x = ;", "}"), () -> false).isRefused());
    assertEquals(Set.of("Counter"), javac.compile(COUNTER, () -> false).value().keySet());
  }
}
